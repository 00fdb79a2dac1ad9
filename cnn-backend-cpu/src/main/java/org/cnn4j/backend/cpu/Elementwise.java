package org.cnn4j.backend.cpu;

import static org.cnn4j.backend.cpu.CpuBuffer.floats;
import static org.cnn4j.backend.cpu.CpuBuffer.own;
import static org.cnn4j.backend.cpu.CpuBuffer.reading;

import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;

/**
 * Element-wise ops and activations, forward and backward, split across threads when large. Large
 * activations whose oneDNN eltwise algorithm is Keras' definition run in oneDNN (vectorised exp,
 * erf, tanh), on NaN-free operands; the rest, and every kind under {@code
 * -Dcnn4j.cpu.onednn=false}, stay in the Java loops here.
 */
final class Elementwise {
  private final Parallel parallel;

  /** oneDNN's primitives when its library loaded, else null (Java loops throughout). */
  private final DnnlEltwise dnnl;

  /**
   * The fewest floats an activation runs in oneDNN's eltwise primitive for; below it the Java loop
   * (no native call, no NaN scan) is as fast.
   */
  static final long ONEDNN_MIN = Long.getLong("cnn4j.cpu.eltwise.min", 1L << 13);

  Elementwise(Parallel parallel, DnnlEltwise dnnl) {
    this.parallel = parallel;
    this.dnnl = dnnl;
  }

  /**
   * Whether oneDNN's eltwise primitive may compute this: a kind it defines as Keras does, a large
   * enough tensor, and NaN-free operands. oneDNN's vector code clamps and compares with min/max
   * instructions that turn NaN into a number (its ReLU maps NaN to 0), and Keras passes NaN on, so
   * an operand holding a NaN takes the Java loop.
   */
  private boolean viaOnednn(boolean kindOk, long n, DeviceBuffer... operands) {
    if (dnnl == null || !kindOk || n < ONEDNN_MIN) return false;
    for (DeviceBuffer b : operands) if (hasNaN(b, n)) return false;
    return true;
  }

  /** Whether the first {@code n} floats hold a NaN. */
  boolean hasNaN(DeviceBuffer b, long n) {
    Floats d = reading(b).data;
    int parts = (int) Math.max(1, Math.min(parallel.threads(), n / Parallel.MIN_WORK_PER_THREAD));
    boolean[] found = new boolean[parts];
    parallel.forRange(
        parts,
        n,
        (lo, hi) -> {
          int[] bits = NAN_SCAN_BITS.get();
          for (int p = lo; p < hi && !found[p]; p++) {
            int end = (int) (n * (p + 1) / parts);
            for (int i = (int) (n * p / parts); i < end && !found[p]; i += NAN_SCAN_CHUNK) {
              int len = Math.min(NAN_SCAN_CHUNK, end - i);
              d.getBits(i, bits, 0, len);
              found[p] = anyNaN(bits, len);
            }
          }
        });
    for (boolean f : found) if (f) return true;
    return false;
  }

  /**
   * ReLU over {@code [lo, hi)} through an L1-sized float array per chunk: HotSpot vectorises the
   * array loop (Math.max keeps NaN, as Keras' ReLU does) where it left the loop over native memory
   * scalar.
   */
  private static void reluChunked(Floats in, Floats out, int lo, int hi) {
    float[] chunk = RELU_CHUNK.get();
    for (int i = lo; i < hi; i += chunk.length) {
      int len = Math.min(chunk.length, hi - i);
      in.get(i, chunk, 0, len);
      for (int j = 0; j < len; j++) chunk[j] = Math.max(chunk[j], 0f);
      out.put(i, chunk, 0, len);
    }
  }

  /**
   * ReLU's gradient over {@code [lo, hi)}: dy where x > 0, else +0, on the bit patterns of L1-sized
   * chunks, a loop HotSpot vectorises. A NaN x gives 0 (NaN > 0 is false), a NaN dy passes where x
   * > 0, as the compare loop did.
   */
  private static void reluBackwardChunked(Floats x, Floats dy, Floats dx, int lo, int hi) {
    int[][] chunks = RELU_BACKWARD_CHUNKS.get();
    int[] xs = chunks[0];
    int[] gs = chunks[1];
    for (int i = lo; i < hi; i += xs.length) {
      int len = Math.min(xs.length, hi - i);
      x.getBits(i, xs, 0, len);
      dy.getBits(i, gs, 0, len);
      for (int j = 0; j < len; j++) {
        int b = xs[j];
        // All ones where 0 < b <= the bits of +infinity, i.e. x > 0; -0.0's and every negative
        // x's bits are negative ints, a NaN's are above infinity's.
        gs[j] &= (-b >> 31) & ~((0x7f800000 - b) >> 31);
      }
      dx.putBits(i, gs, 0, len);
    }
  }

  private static final ThreadLocal<int[][]> RELU_BACKWARD_CHUNKS =
      ThreadLocal.withInitial(() -> new int[2][4096]);

  /** Each thread's chunk for {@link #reluChunked}: 16 KiB, inside a core's L1 cache. */
  private static final ThreadLocal<float[]> RELU_CHUNK =
      ThreadLocal.withInitial(() -> new float[4096]);

  /** Floats per step of the NaN scan: 16 KiB of bits, well inside a core's L1 cache. */
  private static final int NAN_SCAN_CHUNK = 4096;

  /** Each thread's chunk of bits for the NaN scan, kept rather than made anew per call. */
  private static final ThreadLocal<int[]> NAN_SCAN_BITS =
      ThreadLocal.withInitial(() -> new int[NAN_SCAN_CHUNK]);

  /**
   * Whether any of the first {@code len} float bit patterns is a NaN: its magnitude bits above
   * infinity's, so {@code 0x7f800000 - magnitude} is negative. A branch-free OR over an int array
   * in L1, about 0.3 ns a value here against 0.5 for the compare loop with an early exit over
   * native memory (HotSpot 17 did not vectorise either).
   */
  private static boolean anyNaN(int[] bits, int len) {
    int sign = 0;
    for (int i = 0; i < len; i++) sign |= 0x7f800000 - (bits[i] & 0x7fffffff);
    return sign < 0;
  }

  void activationForward(ActivationKind kind, float alpha, DeviceBuffer x, DeviceBuffer y, long n) {
    Ranges.check("activation", x, 0, n);
    Ranges.check("activation", y, 0, n);
    // ReLU's Java loop (reluChunked) runs at about 20 GB/s on one thread: oneDNN and its NaN scan
    // would be slower.
    if (viaOnednn(kind != ActivationKind.RELU && DnnlEltwise.hasForward(kind, alpha), n, x)) {
      dnnl.activationForward(kind, alpha, own(x), own(y), n);
      return;
    }
    Floats in = floats(x);
    Floats out = floats(y);
    // ReLU's chunked loop moves about 20 GB/s on one thread here: its work is the copy's.
    parallel.forRange(
        (int) n,
        kind == ActivationKind.RELU ? n : n * 4,
        (lo, hi) -> {
          switch (kind) {
            case LINEAR -> {
              for (int i = lo; i < hi; i++) out.put(i, in.get(i));
            }
            case RELU -> reluChunked(in, out, lo, hi);
            case LEAKY_RELU -> {
              for (int i = lo; i < hi; i++) {
                float v = in.get(i);
                out.put(i, v > 0 ? v : alpha * v);
              }
            }
            case SIGMOID -> {
              for (int i = lo; i < hi; i++)
                out.put(i, (float) (1.0 / (1.0 + Math.exp(-in.get(i)))));
            }
            case TANH -> {
              for (int i = lo; i < hi; i++) out.put(i, (float) Math.tanh(in.get(i)));
            }
            default -> {
              for (int i = lo; i < hi; i++)
                out.put(i, ActivationMath.apply(kind, alpha, in.get(i)));
            }
          }
        });
  }

  void activationBackward(
      ActivationKind kind,
      float alpha,
      DeviceBuffer x,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dx,
      long n) {
    for (DeviceBuffer b : new DeviceBuffer[] {x, y, dy, dx})
      Ranges.check("activationBackward", b, 0, n);
    // Sigmoid's and tanh's Java loops (branch-free, from y) already run at memory speed, ReLU's
    // (reluBackwardChunked) at about 20 GB/s on one thread: oneDNN and the NaN scans of its two
    // inputs were slower. Leaky ReLU's branches on the sign.
    boolean kindOk =
        kind != ActivationKind.SIGMOID
            && kind != ActivationKind.TANH
            && kind != ActivationKind.RELU
            && DnnlEltwise.hasBackward(kind, alpha);
    if (viaOnednn(kindOk, n, kind.derivativeFromOutput() ? y : x, dy)) {
      dnnl.activationBackward(kind, alpha, own(x), own(y), own(dy), own(dx), n);
      return;
    }
    Floats in = floats(x);
    Floats out = floats(y);
    Floats g = floats(dy);
    Floats d = floats(dx);
    // ReLU's chunked loop moves about 20 GB/s on one thread here: its work is the copy's.
    parallel.forRange(
        (int) n,
        kind == ActivationKind.RELU ? n : n * 4,
        (lo, hi) -> {
          switch (kind) {
            case LINEAR -> {
              for (int i = lo; i < hi; i++) d.put(i, g.get(i));
            }
            case RELU -> reluBackwardChunked(in, g, d, lo, hi);
            case LEAKY_RELU -> {
              for (int i = lo; i < hi; i++) d.put(i, in.get(i) > 0 ? g.get(i) : alpha * g.get(i));
            }
            case SIGMOID -> {
              for (int i = lo; i < hi; i++) {
                float s = out.get(i);
                d.put(i, g.get(i) * s * (1f - s));
              }
            }
            case TANH -> {
              for (int i = lo; i < hi; i++) {
                float t = out.get(i);
                d.put(i, g.get(i) * (1f - t * t));
              }
            }
            default -> {
              for (int i = lo; i < hi; i++) {
                d.put(i, ActivationMath.backward(kind, alpha, in.get(i), out.get(i), g.get(i)));
              }
            }
          }
        });
  }

  void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
    Floats x = floats(a);
    Floats y = floats(b);
    Floats o = floats(out);
    Ranges.check("binary", a, 0, n);
    Ranges.check("binary", b, 0, n);
    Ranges.check("binary", out, 0, n);
    parallel.forRange(
        (int) n,
        n,
        (lo, hi) -> {
          switch (op) {
            case ADD -> {
              for (int i = lo; i < hi; i++) o.put(i, x.get(i) + y.get(i));
            }
            case SUB -> {
              for (int i = lo; i < hi; i++) o.put(i, x.get(i) - y.get(i));
            }
            case MUL -> {
              for (int i = lo; i < hi; i++) o.put(i, x.get(i) * y.get(i));
            }
            default -> {
              for (int i = lo; i < hi; i++) o.put(i, CpuTensorOps.apply(op, x.get(i), y.get(i)));
            }
          }
        });
  }

  void axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, long n) {
    Floats in = floats(x);
    Floats out = floats(y);
    Ranges.check("axpby", x, 0, n);
    Ranges.check("axpby", y, 0, n);
    parallel.forRange(
        (int) n,
        n,
        (lo, hi) -> {
          if (beta == 0f) {
            for (int i = lo; i < hi; i++) out.put(i, alpha * in.get(i));
          } else {
            for (int i = lo; i < hi; i++) out.put(i, alpha * in.get(i) + beta * out.get(i));
          }
        });
  }

  void biasActivationForward(
      ActivationKind kind, float alpha, DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
    Ranges.check("biasActivationForward", y, 0, (long) rows * cols);
    if (bias != null) Ranges.check("biasActivationForward", bias, 0, cols);
    Floats out = floats(y);
    float[] b = new float[cols];
    if (bias != null) floats(bias).get(0, b, 0, cols);
    // One loop per kind: a switch inside the element loop keeps HotSpot from tightening it.
    parallel.forRange(
        rows,
        (long) rows * cols,
        (lo, hi) -> {
          switch (kind) {
            case RELU -> {
              for (int r = lo; r < hi; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++)
                  out.put(base + j, Math.max(out.get(base + j) + b[j], 0f));
              }
            }
            case LINEAR -> {
              for (int r = lo; r < hi; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++) out.put(base + j, out.get(base + j) + b[j]);
              }
            }
            default -> {
              for (int r = lo; r < hi; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++)
                  out.put(base + j, activate(kind, alpha, out.get(base + j) + b[j]));
              }
            }
          }
        });
  }

  /** f(v) for one value, as ActivationKind defines it. */
  static float activate(ActivationKind kind, float alpha, float v) {
    return ActivationMath.apply(kind, alpha, v);
  }

  void activationBackwardBias(
      ActivationKind kind,
      float alpha,
      DeviceBuffer y,
      DeviceBuffer dy,
      DeviceBuffer dz,
      int rows,
      int cols,
      DeviceBuffer dBias) {
    kind.requireDerivativeFromOutput("activationBackwardBias");
    long n = (long) rows * cols;
    for (DeviceBuffer b : new DeviceBuffer[] {y, dy, dz})
      Ranges.check("activationBackwardBias", b, 0, n);
    if (dBias != null) Ranges.check("activationBackwardBias", dBias, 0, cols);
    Floats out = floats(y);
    Floats g = floats(dy);
    Floats d = floats(dz);
    int parts = Math.max(1, (int) Math.min(parallel.threads(), n / Parallel.MIN_WORK_PER_THREAD));
    float[][] partial = new float[parts][cols];
    parallel.forRange(
        parts,
        n,
        (lo, hi) -> {
          for (int p = lo; p < hi; p++) {
            float[] acc = partial[p];
            int r0 = (int) ((long) rows * p / parts);
            int r1 = (int) ((long) rows * (p + 1) / parts);
            if (kind == ActivationKind.RELU) {
              for (int r = r0; r < r1; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++) {
                  float v = out.get(base + j) > 0 ? g.get(base + j) : 0f;
                  d.put(base + j, v);
                  acc[j] += v;
                }
              }
            } else {
              for (int r = r0; r < r1; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++) {
                  float v = derivative(kind, alpha, out.get(base + j), g.get(base + j));
                  d.put(base + j, v);
                  acc[j] += v;
                }
              }
            }
          }
        });
    if (dBias != null) {
      Floats db = floats(dBias);
      for (int j = 0; j < cols; j++) {
        float sum = 0;
        for (float[] acc : partial) sum += acc[j];
        db.put(j, sum);
      }
    }
  }

  /** dy * f'(x) from the output y (ReLU's sign is y's). */
  static float derivative(ActivationKind kind, float alpha, float y, float dy) {
    return ActivationMath.backward(kind, alpha, y, y, dy);
  }
}
