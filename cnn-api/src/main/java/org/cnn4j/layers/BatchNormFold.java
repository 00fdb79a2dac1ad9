package org.cnn4j.layers;

import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Inference of a convolution, the BatchNormalization after it and optionally the activation after
 * that, as one convolution: the normalization by the moving statistics is a per-channel factor and
 * offset, which go into the kernel and bias ({@code k' = k * s}, {@code b' = (b - mean) * s + beta}
 * with {@code s = gamma / sqrt(variance + epsilon)}), and the activation into the convolution's
 * epilogue. Two passes over the activations (normalize, activate) become none, at the price of one
 * pass over the kernel, so a model folds a call only where the kernel is smaller than the output
 * ({@link #worthIt}): the early, wide layers at any batch size, all of them at the usual ones.
 */
public final class BatchNormFold {
  private BatchNormFold() {}

  /**
   * Whether {@code conv} followed by {@code norm} can be folded: a convolution without activation,
   * then a BatchNormalization.
   */
  public static boolean applies(Layer conv, Layer norm) {
    return conv instanceof ConvLayer<?> c
        && c.activation().isLinear()
        && norm instanceof BatchNormalization;
  }

  /** Whether {@code activation} can be the folded convolution's epilogue. */
  public static boolean fusable(Layer activation) {
    return epilogue(activation) != null;
  }

  /** Whether folding pays for an input of {@code x}: the output is larger than the kernel. */
  public static boolean worthIt(Layer conv, Tensor x) {
    ConvLayer<?> c = (ConvLayer<?>) conv;
    int batch = x.shape().dim(0);
    return (long) batch * c.outputShape().size() >= c.kernel().shape().size();
  }

  /**
   * The inference output of {@code conv}, {@code norm} and {@code activation} (null for none) on
   * {@code x}, with nothing recorded for a backward pass.
   */
  public static Tensor run(Step step, Layer conv, Layer norm, Layer activation, Tensor x) {
    ConvLayer<?> c = (ConvLayer<?>) conv;
    BatchNormalization bn = (BatchNormalization) norm;
    Activations act = activation == null ? Activations.LINEAR : epilogue(activation);
    int filters = c.outputShape().dim(-1);
    Shape kernelShape = c.kernel().shape();
    Tensor kernel = step.allocate(kernelShape, false);
    // The kernel's last axis is the output channel (HWIO, and depthwise's [kh, kw, c, multiplier]
    // flattens its last two axes to the output channel c * multiplier + m).
    bn.normalizeByMovingStatistics(
        step,
        c.kernel().value().buffer(),
        (int) (kernelShape.size() / filters),
        false,
        kernel.buffer());
    Tensor bias = step.allocate(Shape.of(filters), false);
    DeviceBuffer convBias = c.bias() != null ? c.bias().value().buffer() : zeros(step, filters);
    bn.normalizeByMovingStatistics(step, convBias, 1, true, bias.buffer());
    int batch = x.shape().dim(0);
    Conv2dSpec s = c.spec(x.shape().withoutBatch(), batch);
    Tensor y = step.allocate(c.outputShape().withBatch(batch), false);
    step.backend()
        .conv2dForwardFused(
            s, x.buffer(), kernel.buffer(), bias.buffer(), act.kind(), act.alpha(), y.buffer());
    return y;
  }

  /** The activation of an activation layer that a convolution's epilogue can apply, or null. */
  private static Activations epilogue(Layer layer) {
    Activations a =
        layer instanceof ActivationLayer l
            ? l.activation()
            : layer instanceof Activation l ? l.activation() : null;
    return a != null && a.inPlace() ? a : null;
  }

  private static DeviceBuffer zeros(Step step, int n) {
    Tensor t = step.allocate(Shape.of(n), false);
    step.backend().fill(t.buffer(), 0, n, 0f);
    return t.buffer();
  }
}
