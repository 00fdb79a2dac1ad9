package org.cnn4j.spi;

/**
 * The step size of {@link Backend#adamStep} with Adam's two bias corrections folded in, computed on
 * the host in double precision once per step, so a device kernel multiplies by one float.
 */
public final class AdamStepSize {
  private AdamStepSize() {}

  /**
   * {@code lr * sqrt(1 - beta2^t) / (1 - beta1^t)}.
   *
   * @param lr the learning rate
   * @param beta1 the first moment's decay
   * @param beta2 the second moment's decay
   * @param t the step, counting from 1
   * @return the corrected step size, as a float
   * @throws IllegalArgumentException when {@code t < 1}
   */
  public static float of(float lr, float beta1, float beta2, long t) {
    if (t < 1) throw new IllegalArgumentException("Adam's step t counts from 1, got " + t);
    return (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
  }
}
