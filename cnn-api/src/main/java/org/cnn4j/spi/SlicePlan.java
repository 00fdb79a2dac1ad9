package org.cnn4j.spi;

/**
 * How a device backend cuts a long combination (a column sum, an arg-reduction, a GEMM's k) into
 * slices when there are too few outputs to keep the device busy: a bias gradient has a handful of
 * sums over a whole batch, a weight-gradient GEMM a few tiles over a long k. Each slice of {@code
 * chunk} terms is combined by its own work item (or thread block) and the partial results are
 * folded by a second pass. The limits are the backend's own (how much parallel work keeps its
 * device busy, the shortest slice worth a second pass, the most slices its fold takes); the
 * arithmetic is the same everywhere.
 *
 * @param slices partial results per output, at least 1 (1: no second pass)
 * @param chunk terms per slice, at least 1; the last slice may be shorter
 */
public record SlicePlan(int slices, int chunk) {
  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when {@code slices} or {@code chunk} is below 1
   */
  public SlicePlan {
    if (slices < 1 || chunk < 1) {
      throw new IllegalArgumentException(
          "a slice plan has slices and chunk >= 1, got " + slices + " and " + chunk);
    }
  }

  /**
   * The plan for {@code outputs} independent results of {@code length} terms each: as many slices
   * as the device wants to be busy, but none shorter than {@code minChunk} terms and at most {@code
   * maxSlices}; then the chunk rounded up, which may leave fewer slices (every slice non-empty).
   *
   * @param outputs results (or tiles, or thread blocks) already available as parallel work
   * @param length terms per result (0 gives one empty slice)
   * @param busyItems parallel work (in the unit of {@code outputs}) that keeps the device busy
   * @param minChunk the shortest slice worth a second pass, at least 1
   * @param maxSlices the most slices per output, at least 1
   * @return the plan
   * @throws IllegalArgumentException when {@code minChunk} or {@code maxSlices} is below 1 or a
   *     count is negative
   */
  public static SlicePlan of(
      long outputs, int length, long busyItems, int minChunk, int maxSlices) {
    if (outputs < 0 || length < 0 || busyItems < 0 || minChunk < 1 || maxSlices < 1) {
      throw new IllegalArgumentException(
          "slice plan: outputs="
              + outputs
              + " length="
              + length
              + " busyItems="
              + busyItems
              + " minChunk="
              + minChunk
              + " maxSlices="
              + maxSlices);
    }
    long wanted = ceilDiv(busyItems, Math.max(1, outputs));
    long allowed = Math.min(maxSlices, length / minChunk);
    int slices = (int) Math.max(1, Math.min(wanted, allowed));
    int terms = Math.max(length, 1);
    int chunk = (int) ceilDiv(terms, slices);
    return new SlicePlan((int) ceilDiv(terms, chunk), chunk);
  }

  /**
   * Whether there is more than one slice, so partial results need a second pass.
   *
   * @return {@code slices > 1}
   */
  public boolean split() {
    return slices > 1;
  }

  /** {@code a / b} rounded up, for {@code a >= 0} and {@code b > 0}, without overflow. */
  private static long ceilDiv(long a, long b) {
    return a / b + (a % b == 0 ? 0 : 1);
  }
}
