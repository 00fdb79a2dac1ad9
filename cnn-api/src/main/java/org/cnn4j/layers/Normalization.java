package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.cnn4j.data.Dataset;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.StridedView;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Normalization(axis=-1, mean=None, variance=None, invert=False)}: {@code y = (x -
 * mean) / max(sqrt(variance), 1e-7)} (with {@code invert}, {@code y = mean + x *
 * max(sqrt(variance), 1e-7)}), one mean and variance per index of the kept axes, broadcast over the
 * others.
 *
 * <p>The statistics come either from the constructor arguments ({@link #mean}, {@link #variance}:
 * then the layer holds no weights, as Keras' ConvNeXt pre-stem) or from {@link #adapt} on data:
 * then they are the non-trainable weights {@code mean} (zeros until adapted), {@code variance}
 * (ones) and {@code count} (a scalar; Keras 3 keeps it for older files and leaves it 0, cnn4j
 * stores the number of values each statistic was computed from), so they are saved and loaded with
 * the model (EfficientNet's 7 non-trainable stem parameters).
 *
 * <pre>{@code
 * Normalization norm = new Normalization();        // per channel of (h, w, c) images
 * norm.adapt(trainImages);                         // before or after the model is built
 * SymbolicTensor x = norm.apply(Input.of(32, 32, 3));
 * }</pre>
 *
 * <p>Axes are Keras': they count the batch axis (0), so -1 or 3 is the channel axis of an image and
 * {@link #axisNone()} keeps none (one scalar mean and variance). The gradient is {@code dy /
 * max(sqrt(variance), 1e-7)} (times, with invert); the statistics never train.
 */
public final class Normalization extends Layer {
  /** Keras' {@code backend.epsilon()}, the least standard deviation divided by. */
  static final double EPSILON = 1e-7;

  private int[] axes = {-1};
  private float[] givenMean;
  private float[] givenVariance;
  private boolean invert;
  private double[] adaptedMean;
  private double[] adaptedVariance;
  private long adaptedCount;
  private Parameter mean;
  private Parameter variance;
  private Parameter count;

  /** Statistics over every axis but the last (Keras' default, axis=-1), set by {@link #adapt}. */
  public Normalization() {}

  /**
   * Keras' {@code axis}: the axes that keep a mean and variance per index, counting the batch axis
   * as 0 (so -1 or 3 for an image's channels). The batch axis itself cannot be kept.
   */
  public Normalization axis(int... keep) {
    if (keep.length == 0) {
      throw new IllegalArgumentException(
          "Normalization: give at least one axis, or call axisNone() for a scalar mean");
    }
    this.axes = keep.clone();
    return this;
  }

  /** Keras' {@code axis=None}: one scalar mean and variance for every element. */
  public Normalization axisNone() {
    this.axes = new int[0];
    return this;
  }

  /**
   * Keras' {@code mean}: one value, or one per index of the kept axes (row-major). Set together
   * with {@link #variance}; the layer then holds no weights.
   */
  public Normalization mean(double... values) {
    this.givenMean = floats(values, "mean");
    return this;
  }

  /** Keras' {@code variance}, as {@link #mean}. */
  public Normalization variance(double... values) {
    for (double v : values) {
      if (!(v >= 0)) throw new IllegalArgumentException("Normalization: variance must be >= 0");
    }
    this.givenVariance = floats(values, "variance");
    return this;
  }

  /** Keras' {@code invert}: map normalised values back ({@code mean + x * std}). */
  public Normalization invert(boolean on) {
    this.invert = on;
    return this;
  }

  private static float[] floats(double[] values, String what) {
    if (values.length == 0) {
      throw new IllegalArgumentException("Normalization: " + what + " needs at least one value");
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("Normalization: " + what + " must be finite");
      }
      f[i] = (float) values[i];
    }
    return f;
  }

  /** Whether the statistics were given (no weights) rather than adapted (three weights). */
  private boolean given() {
    if ((givenMean == null) != (givenVariance == null)) {
      throw new IllegalArgumentException(
          "Normalization: when setting values directly, both mean and variance must be set");
    }
    return givenMean != null;
  }

  /**
   * The non-trainable weight {@code mean}; null when the statistics were given or before the layer
   * is built.
   */
  public Parameter meanWeight() {
    return mean;
  }

  /**
   * The non-trainable weight {@code variance}; null when the statistics were given or before the
   * layer is built.
   */
  public Parameter varianceWeight() {
    return variance;
  }

  /**
   * The non-trainable weight {@code count} (the number of values each statistic came from); null
   * when the statistics were given or before the layer is built.
   */
  public Parameter countWeight() {
    return count;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    List<Object> axis = new ArrayList<>();
    for (int a : axes) axis.add(a);
    c.put("axis", axis);
    c.put("invert", invert);
    c.put("mean", givenMean == null ? null : list(givenMean));
    c.put("variance", givenVariance == null ? null : list(givenVariance));
    return c;
  }

  private static List<Object> list(float[] v) {
    List<Object> l = new ArrayList<>();
    for (float f : v) l.add((double) f);
    return l;
  }

  // ---------------------------------------------------------------- shapes

  /** The kept axes as indices of the sample shape (batch axis excluded), ascending. */
  private int[] keptAxes(Shape sample) {
    int ndim = sample.rank() + 1;
    TreeSet<Integer> kept = new TreeSet<>();
    for (int a : axes) {
      if (a < -ndim || a >= ndim) {
        throw badInput(
            sample,
            "axes " + Arrays.toString(axes) + " in the range [-" + ndim + ", " + ndim + ")");
      }
      int full = a < 0 ? a + ndim : a;
      if (full == 0) {
        throw badInput(sample, "axes other than the batch axis 0 (its size is not fixed)");
      }
      kept.add(full - 1);
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The shape of the statistics: the sizes of the kept axes (rank 0 for axis=None). */
  private Shape statisticsShape(Shape sample) {
    int[] kept = keptAxes(sample);
    int[] dims = new int[kept.length];
    for (int i = 0; i < kept.length; i++) dims[i] = sample.dim(kept[i]);
    return Shape.of(dims);
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    long size = statisticsShape(input).size();
    if (given()) {
      for (float[] v : List.of(givenMean, givenVariance)) {
        if (v.length != 1 && v.length != size) {
          throw badInput(
              input,
              "mean and variance of 1 or "
                  + size
                  + " values (the kept axes), got "
                  + givenMean.length
                  + " and "
                  + givenVariance.length);
        }
      }
    }
    if (adaptedMean != null && adaptedMean.length != size) {
      throw badInput(
          input, "the shape the layer was adapted to (" + adaptedMean.length + " values)");
    }
    return input;
  }

  @Override
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {
    if (given()) return;
    Shape s = statisticsShape(input);
    int n = (int) s.size();
    float[] m = new float[n];
    float[] v = Initializers.constant(n, 1f);
    if (adaptedMean != null) {
      for (int i = 0; i < n; i++) {
        m[i] = (float) adaptedMean[i];
        v[i] = (float) adaptedVariance[i];
      }
    }
    mean = addParameter(backend, "mean", s, m, false);
    variance = addParameter(backend, "variance", s, v, false);
    count = addParameter(backend, "count", Shape.of(), new float[] {adaptedCount}, false);
  }

  // ---------------------------------------------------------------- adapt

  /**
   * Keras' {@code adapt(data)}: sets the mean and (biased) variance over the non-kept axes of every
   * sample of {@code data}, read in batches.
   *
   * @throws IllegalStateException when the layer was given its mean and variance
   */
  public Normalization adapt(Dataset data) {
    int[] sample = data.sampleShape();
    int per = 1;
    for (int d : sample) per *= d;
    Statistics stats = new Statistics(Shape.of(sample));
    int batch = Math.max(1, Math.min(data.size(), Math.max(1, (1 << 22) / per)));
    int[] indices = new int[data.size()];
    for (int i = 0; i < indices.length; i++) indices[i] = i;
    float[] x = new float[batch * per];
    float[] y = new float[batch * data.labelSize()];
    for (int from = 0; from < data.size(); from += batch) {
      int n = Math.min(batch, data.size() - from);
      data.copyBatch(indices, from, n, x, y);
      stats.add(x, n);
    }
    return set(stats);
  }

  /**
   * Keras' {@code adapt(array)}: {@code values} of {@code shape}, the first axis the samples (as a
   * NumPy array of shape {@code (n, h, w, c)}).
   */
  public Normalization adapt(float[] values, int... shape) {
    if (shape.length < 2) {
      throw new IllegalArgumentException(
          "Normalization.adapt: shape must be (samples, sample axes...), got "
              + Arrays.toString(shape));
    }
    Shape full = Shape.of(shape);
    if (full.size() != values.length) {
      throw new IllegalArgumentException(
          "Normalization.adapt: " + values.length + " values for shape " + full);
    }
    Statistics stats = new Statistics(full.withoutBatch());
    stats.add(values, shape[0]);
    return set(stats);
  }

  private Normalization set(Statistics stats) {
    if (given()) {
      throw new IllegalStateException(
          "Normalization: adapt() on a layer given its mean and variance");
    }
    if (stats.count == 0) throw new IllegalArgumentException("Normalization.adapt: no data");
    if (isBuilt()) {
      if (mean.shape().size() != stats.mean.length) {
        throw new IllegalArgumentException(
            "Layer "
                + describe()
                + " was built for inputs of shape "
                + inputShape().toBatchString()
                + "; adapt() got data whose statistics have "
                + stats.mean.length
                + " values, not "
                + mean.shape().size());
      }
      Backend b = backend();
      b.upload(toFloats(stats.mean), 0, mean.value().buffer(), 0, stats.mean.length);
      b.upload(toFloats(stats.variance()), 0, variance.value().buffer(), 0, stats.mean.length);
      b.upload(new float[] {stats.count}, 0, count.value().buffer(), 0, 1);
    } else {
      if (!nodes().isEmpty() && statisticsShape(inputShape()).size() != stats.mean.length) {
        throw new IllegalArgumentException(
            "Layer " + describe() + ": adapt() data does not fit input " + inputShape());
      }
      adaptedMean = stats.mean;
      adaptedVariance = stats.variance();
      adaptedCount = stats.count;
    }
    return this;
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }

  /** Running mean and sum of squared deviations per kept index (Chan et al.'s merge). */
  private final class Statistics {
    final int[] keepIndex;
    final double[] mean;
    final double[] m2;
    long count;

    Statistics(Shape sample) {
      Shape stats = statisticsShape(sample);
      int[] kept = keptAxes(sample);
      int per = (int) sample.size();
      keepIndex = new int[per];
      int[] dims = sample.dims();
      for (int i = 0; i < per; i++) {
        int rest = i;
        int[] coord = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
          coord[a] = rest % dims[a];
          rest /= dims[a];
        }
        int k = 0;
        for (int a : kept) k = k * dims[a] + coord[a];
        keepIndex[i] = k;
      }
      mean = new double[(int) stats.size()];
      m2 = new double[mean.length];
    }

    /** Adds {@code n} samples. */
    void add(float[] x, int n) {
      int per = keepIndex.length;
      int k = mean.length;
      double[] sum = new double[k];
      int[] cnt = new int[k];
      for (int s = 0; s < n; s++) {
        for (int i = 0; i < per; i++) {
          sum[keepIndex[i]] += x[s * per + i];
          cnt[keepIndex[i]]++;
        }
      }
      double[] bMean = new double[k];
      for (int j = 0; j < k; j++) bMean[j] = sum[j] / cnt[j];
      double[] bM2 = new double[k];
      for (int s = 0; s < n; s++) {
        for (int i = 0; i < per; i++) {
          double d = x[s * per + i] - bMean[keepIndex[i]];
          bM2[keepIndex[i]] += d * d;
        }
      }
      long nb = cnt[0];
      long na = count;
      for (int j = 0; j < k; j++) {
        double delta = bMean[j] - mean[j];
        double total = na + nb;
        mean[j] += delta * nb / total;
        m2[j] += bM2[j] + delta * delta * na * nb / total;
      }
      count = na + nb;
    }

    double[] variance() {
      double[] v = new double[m2.length];
      for (int j = 0; j < v.length; j++) v[j] = m2[j] / count;
      return v;
    }
  }

  // ---------------------------------------------------------------- computation

  @Override
  public Tensor forward(Step step, Tensor x) {
    Backend backend = step.backend();
    Shape stats = statisticsShape(x.shape().withoutBatch());
    int k = (int) stats.size();
    float[] m = new float[k];
    float[] v = new float[k];
    if (given()) {
      for (int i = 0; i < k; i++) {
        m[i] = givenMean[givenMean.length == 1 ? 0 : i];
        v[i] = givenVariance[givenVariance.length == 1 ? 0 : i];
      }
    } else {
      // The statistics may have changed since the last batch (adapt, setWeights, loadWeights).
      backend.download(mean.value().buffer(), 0, m, 0, k);
      backend.download(variance.value().buffer(), 0, v, 0, k);
    }
    // Normalise: y = x * (1 / std) - mean / std; invert: y = x * std + mean.
    float[] factor = new float[k];
    float[] offset = new float[k];
    for (int i = 0; i < k; i++) {
      double std = Math.max(Math.sqrt(v[i]), EPSILON);
      factor[i] = (float) (invert ? std : 1 / std);
      offset[i] = (float) (invert ? m[i] : -m[i] / std);
    }
    Tensor f = step.allocate(stats.rank() == 0 ? Shape.of(1) : stats, false);
    Tensor o = step.allocate(stats.rank() == 0 ? Shape.of(1) : stats, false);
    backend.upload(factor, 0, f.buffer(), 0, k);
    backend.upload(offset, 0, o.buffer(), 0, k);
    StridedView whole = StridedView.contiguous(x.shape().dims());
    StridedView perIndex = statisticsView(x.shape());
    Tensor scaled = step.allocate(x.shape(), false);
    backend.binaryBroadcast(
        BinaryOp.MUL, x.buffer(), whole, f.buffer(), perIndex, scaled.buffer(), 0);
    Tensor y = step.allocate(x.shape(), x.requiresGrad());
    backend.binaryBroadcast(
        BinaryOp.ADD, scaled.buffer(), whole, o.buffer(), perIndex, y.buffer(), 0);
    if (x.requiresGrad()) {
      step.record(
          () -> {
            if (y.grad() == null) return;
            Tensor dx = step.allocate(x.shape());
            backend.binaryBroadcast(
                BinaryOp.MUL, y.grad().buffer(), whole, f.buffer(), perIndex, dx.buffer(), 0);
            step.accumulateGrad(x, dx);
          });
    }
    return y;
  }

  /** How the statistics (row-major over the kept axes) are read at each element of {@code x}. */
  private StridedView statisticsView(Shape x) {
    int[] kept = keptAxes(x.withoutBatch());
    long[] strides = new long[x.rank()];
    long s = 1;
    for (int i = kept.length - 1; i >= 0; i--) {
      strides[kept[i] + 1] = s;
      s *= x.dim(kept[i] + 1);
    }
    return new StridedView(0, x.dims(), strides);
  }
}
