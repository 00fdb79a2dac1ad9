package org.cnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;

/**
 * Fused optimizer steps: several steps with fresh gradients on both backends, then parameters and
 * optimizer state compared, so errors that build up over steps (bias correction, momentum) show.
 */
public final class OptimizerChecks extends Checks {

  public enum Kind {
    SGD,
    MOMENTUM,
    NESTEROV,
    ADAM,
    ADAMW,
    RMSPROP
  }

  /**
   * {@code steps} updates of {@code n} parameters with Keras' default hyper-parameters of the kind.
   */
  public record OptimizerCase(Kind kind, int n, int steps) {
    @Override
    public String toString() {
      return kind + " n=" + n + " steps=" + steps;
    }

    /** Buffers of state the step keeps (velocity; m and v; mean square). */
    int stateBuffers() {
      return switch (kind) {
        case SGD -> 0;
        case MOMENTUM, NESTEROV, RMSPROP -> 1;
        case ADAM, ADAMW -> 2;
      };
    }
  }

  public OptimizerChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  public static List<OptimizerCase> cases() {
    List<OptimizerCase> cases = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      cases.add(new OptimizerCase(kind, 1, 5));
      cases.add(new OptimizerCase(kind, 1000, 5));
      // Past a backend's chunk sizes (the CPU's 1,024-float chunks) and its split across threads.
      cases.add(new OptimizerCase(kind, 70_001, 3));
    }
    return cases;
  }

  public void steps(OptimizerCase c) {
    Inputs in = Inputs.forCase(c);
    try (Session s = session()) {
      Twin param = s.upload(in.uniform(c.n(), -1, 1));
      Twin grad = s.allocate(c.n());
      List<Twin> state = new ArrayList<>();
      for (int i = 0; i < c.stateBuffers(); i++)
        state.add(s.upload(new float[c.n()])); // Keras starts state at 0
      for (int t = 1; t <= c.steps(); t++) {
        float[] g = in.uniform(c.n(), -1, 1);
        s.run(b -> b.upload(g, 0, grad.on(b), 0, c.n()));
        long step = t;
        s.run(
            b -> {
              switch (c.kind()) {
                case SGD -> b.sgdStep(param.on(b), grad.on(b), null, c.n(), 0.01f, 0f, false);
                case MOMENTUM ->
                    b.sgdStep(
                        param.on(b), grad.on(b), state.get(0).on(b), c.n(), 0.01f, 0.9f, false);
                case NESTEROV ->
                    b.sgdStep(
                        param.on(b), grad.on(b), state.get(0).on(b), c.n(), 0.01f, 0.9f, true);
                case ADAM ->
                    b.adamStep(
                        param.on(b),
                        grad.on(b),
                        state.get(0).on(b),
                        state.get(1).on(b),
                        c.n(),
                        0.001f,
                        0.9f,
                        0.999f,
                        1e-7f,
                        step,
                        0f);
                case ADAMW ->
                    b.adamStep(
                        param.on(b),
                        grad.on(b),
                        state.get(0).on(b),
                        state.get(1).on(b),
                        c.n(),
                        0.001f,
                        0.9f,
                        0.999f,
                        1e-7f,
                        step,
                        0.004f);
                case RMSPROP ->
                    b.rmspropStep(
                        param.on(b), grad.on(b), state.get(0).on(b), c.n(), 0.001f, 0.9f, 1e-7f);
              }
            });
      }
      s.expectClose(c + ": parameters", param, Tolerances.OPTIMIZER);
      for (int i = 0; i < state.size(); i++)
        s.expectClose(c + ": state " + i, state.get(i), Tolerances.OPTIMIZER);
    }
  }
}
