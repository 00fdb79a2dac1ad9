package org.cnn4j.spi;

/**
 * The element-wise family of the SPI: activations, unary and binary ops on contiguous buffers with
 * their gradients, and {@code axpby}. See {@link MemoryOps}.
 */
public interface ElementwiseOps {

  /**
   * {@code y[i] = f(x[i])} for {@code i < n}, f as {@link ActivationKind} defines it with parameter
   * {@code alpha}. x may be y.
   */
  void activationForward(ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n);

  /**
   * {@code dx[i] = dy[i] * f'(x[i])}, given both the input x and the output y of the forward pass
   * (ReLU and LeakyReLU read x, sigmoid and tanh read y). dx may be dy.
   */
  void activationBackward(
      ActivationKind kind,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n);

  /** {@code out[i] = a[i] op b[i]} for {@code i < n} ({@link BinaryOp}). out may alias a or b. */
  void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n);

  /**
   * {@code y[i] = f(x[i])} for {@code i < n}, f as {@link UnaryOp} defines it with parameter {@code
   * alpha}. x may be y.
   */
  void unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, long n);

  /**
   * {@code dx[i] = dy[i] * f'(x[i])} given the input x and the output y of {@link #unary}. dx may
   * be dy. Shapes: all {@code [n]}.
   */
  void unaryBackward(
      UnaryOp op,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n);

  /** {@code y[i] = alpha * x[i] + beta * y[i]} for {@code i < n}; with beta 0, y is not read. */
  void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n);

  /**
   * The gradients of {@link #binary}: {@code da = dy * d(a op b)/da} and {@code db = dy * d(a op
   * b)/db}, each overwritten unless null. MAX passes dy to a where {@code a >= b}, else to b; MIN
   * to a where {@code a <= b}, else to b (ties go to a, as TensorFlow's maximum and minimum do).
   * POW gives {@code db = dy a^b ln(a)} as 0 where a is 0; comparisons give 0. Shapes: all {@code
   * [n]}.
   */
  void binaryBackward(
      BinaryOp op,
      DeviceBuffer a,
      DeviceBuffer b,
      DeviceBuffer dy,
      DeviceBuffer da,
      DeviceBuffer db,
      long n);
}
