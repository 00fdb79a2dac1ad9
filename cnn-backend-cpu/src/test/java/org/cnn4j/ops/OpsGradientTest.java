package org.cnn4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.cnn4j.backends.Backends;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each op's recorded backward against central differences of its forward on the CPU backend: the
 * scalar is {@code sum(w * f(x))} for seeded weights w.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsGradientTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = Backends.open("cpu", BackendConfig.defaults());
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private static float[] values(int n, long seed, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(lo, hi);
    return v;
  }

  /** f's gradient with respect to each input by the tape and by central differences. */
  private void check(
      String name, List<Shape> shapes, double lo, double hi, Function<List<Tensor>, Tensor> f) {
    List<float[]> inputs = new java.util.ArrayList<>();
    for (int i = 0; i < shapes.size(); i++)
      inputs.add(values((int) shapes.get(i).size(), 7 + i, lo, hi));
    float[][] analytic = new float[shapes.size()][];
    float[] w;
    try (Step step = new Step(backend, true, 1)) {
      List<Tensor> xs = upload(step, shapes, inputs, true);
      Tensor y = f.apply(xs);
      w = values((int) y.size(), 99, -1, 1);
      Tensor dy = step.allocate(y.shape(), false);
      backend.upload(w, 0, dy.buffer(), 0, w.length);
      step.backward(y, dy);
      for (int i = 0; i < xs.size(); i++) {
        assertTrue(xs.get(i).grad() != null, name + ": no gradient on input " + i);
        analytic[i] = new float[(int) xs.get(i).size()];
        backend.download(xs.get(i).grad().buffer(), 0, analytic[i], 0, analytic[i].length);
      }
    }
    double eps = 1e-2;
    for (int i = 0; i < inputs.size(); i++) {
      for (int k = 0; k < inputs.get(i).length; k++) {
        float keep = inputs.get(i)[k];
        inputs.get(i)[k] = (float) (keep + eps);
        double plus = weighted(shapes, inputs, f, w);
        inputs.get(i)[k] = (float) (keep - eps);
        double minus = weighted(shapes, inputs, f, w);
        inputs.get(i)[k] = keep;
        double numeric = (plus - minus) / (2 * eps);
        assertEquals(
            numeric,
            analytic[i][k],
            2e-3 + 2e-2 * Math.abs(numeric),
            name + ": d/dx" + i + "[" + k + "]");
      }
    }
  }

  private double weighted(
      List<Shape> shapes, List<float[]> inputs, Function<List<Tensor>, Tensor> f, float[] w) {
    try (Step step = new Step(backend, false, 1)) {
      Tensor y = f.apply(upload(step, shapes, inputs, false));
      float[] out = new float[(int) y.size()];
      backend.download(y.buffer(), 0, out, 0, out.length);
      double s = 0;
      for (int i = 0; i < out.length; i++) s += (double) w[i] * out[i];
      return s;
    }
  }

  private List<Tensor> upload(Step step, List<Shape> shapes, List<float[]> inputs, boolean grad) {
    List<Tensor> xs = new java.util.ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      Tensor t = step.allocate(shapes.get(i), grad);
      backend.upload(inputs.get(i), 0, t.buffer(), 0, inputs.get(i).length);
      xs.add(t);
    }
    return xs;
  }

  @Test
  void elementwiseOps() {
    List<Shape> one = List.of(Shape.of(3, 4));
    check("exp", one, -1, 1, x -> Ops.exp(x.get(0)));
    check("log", one, 0.5, 2, x -> Ops.log(x.get(0)));
    check("sqrt", one, 0.5, 2, x -> Ops.sqrt(x.get(0)));
    check("rsqrt", one, 0.5, 2, x -> Ops.rsqrt(x.get(0)));
    check("reciprocal", one, 0.5, 2, x -> Ops.reciprocal(x.get(0)));
    check("square", one, -1, 1, x -> Ops.square(x.get(0)));
    check("power 1.5", one, 0.5, 2, x -> Ops.power(x.get(0), 1.5));
    check("sin and cos", one, -2, 2, x -> Ops.multiply(Ops.sin(x.get(0)), Ops.cos(x.get(0))));
    check("sigmoid tanh", one, -2, 2, x -> Ops.tanh(Ops.sigmoid(x.get(0))));
    check("clip", one, -2, 2, x -> Ops.clip(x.get(0), -0.77, 0.83));
  }

  @Test
  void binaryOpsBroadcast() {
    List<Shape> shapes = List.of(Shape.of(2, 3, 4), Shape.of(3, 1));
    check("add", shapes, -1, 1, x -> Ops.add(x.get(0), x.get(1)));
    check("subtract", shapes, -1, 1, x -> Ops.subtract(x.get(0), x.get(1)));
    check("multiply", shapes, -1, 1, x -> Ops.multiply(x.get(0), x.get(1)));
    check("divide", shapes, 0.5, 2, x -> Ops.divide(x.get(0), x.get(1)));
    check("power", shapes, 0.5, 2, x -> Ops.power(x.get(0), x.get(1)));
    check("maximum", shapes, -1, 1, x -> Ops.maximum(x.get(0), x.get(1)));
    check(
        "where",
        shapes,
        -1,
        1,
        x -> Ops.where(Ops.greater(x.get(0), x.get(1)), x.get(0), Ops.multiply(x.get(1), 3.0)));
  }

  @Test
  void reductionsAndShapes() {
    List<Shape> one = List.of(Shape.of(2, 3, 4));
    check("sum axis 1", one, -1, 1, x -> Ops.sum(x.get(0), 1));
    check("mean keepdims", one, -1, 1, x -> Ops.mean(x.get(0), true, 0, 2));
    check("max axis -1", one, -1, 1, x -> Ops.max(x.get(0), false, -1));
    check("min all", one, -1, 1, x -> Ops.min(x.get(0), false));
    check("logsumexp", one, -2, 2, x -> Ops.logsumexp(x.get(0), false, 2));
    check("softmax axis 1", one, -2, 2, x -> Ops.softmax(x.get(0), 1));
    check("transpose", one, -1, 1, x -> Ops.transpose(x.get(0), 2, 0, 1));
    check("reshape", one, -1, 1, x -> Ops.square(Ops.reshape(x.get(0), 6, -1)));
    check("slice", one, -1, 1, x -> Ops.slice(x.get(0), new int[] {1, 0, 1}, new int[] {1, 2, 3}));
    check(
        "concatenate",
        List.of(Shape.of(2, 3), Shape.of(2, 2)),
        -1,
        1,
        x -> Ops.concatenate(1, x.get(0), Ops.square(x.get(1))));
    check(
        "matmul",
        List.of(Shape.of(2, 3, 4), Shape.of(4, 5)),
        -1,
        1,
        x -> Ops.matmul(x.get(0), x.get(1)));
    check(
        "batched matmul",
        List.of(Shape.of(2, 3, 4), Shape.of(2, 4, 2)),
        -1,
        1,
        x -> Ops.matmul(x.get(0), x.get(1)));
  }

  @Test
  void valuesOfReductionsAndArgmax() {
    try (Step step = new Step(backend, false, 1)) {
      Tensor x = step.allocate(Shape.of(2, 3), false);
      backend.upload(new float[] {1, 5, 2, 7, 0, 7}, 0, x.buffer(), 0, 6);
      assertArrayEquals(new float[] {1, 0}, download(Ops.argmax(x, 1)));
      assertArrayEquals(new float[] {5, 7}, download(Ops.max(x, false, 1)));
      assertArrayEquals(new float[] {8, 14}, download(Ops.sum(x, 1)));
      assertArrayEquals(new float[] {4, 2.5f, 4.5f}, download(Ops.mean(x, 0)));
      float lse = download(Ops.logsumexp(x, false))[0];
      double want = Math.log(Math.exp(1) + Math.exp(5) + Math.exp(2) + 2 * Math.exp(7) + 1);
      assertEquals(want, lse, 1e-5);
    }
  }

  @Test
  void opsOutsideAPassSayWhatToUse() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              try (Step step = new Step(backend, false, 1)) {
                Ops.add(step.allocate(Shape.of(2), false), step.allocate(Shape.of(3), false));
              }
            });
    assertTrue(e.getMessage().contains("do not broadcast"), e.getMessage());
  }

  private float[] download(Tensor t) {
    float[] v = new float[(int) t.size()];
    backend.download(t.buffer(), 0, v, 0, v.length);
    return v;
  }
}
