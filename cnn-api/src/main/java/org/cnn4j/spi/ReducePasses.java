package org.cnn4j.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * How a device backend runs a {@link Backend#reduce} other than ARGMAX and ARGMIN: one pass per
 * reduced block of {@link ReduceBlocks}, innermost first, each reducing the middle axis of {@code
 * [outer, mid, inner]} to {@code [outer, inner]} with a kernel that takes one axis; between passes
 * the partial result lives in one of two scratch buffers, used in turn. The scale is applied by the
 * last pass only. With no reduced block (every axis kept, or all of size 1) one pass over {@code
 * [size, 1, 1]} applies the op to each element and scales it.
 *
 * <p>Shapes: x {@code [ReduceBlocks#size()]}, contiguous; out {@code [ReduceBlocks#keptSize()]};
 * each scratch buffer {@link #scratchLength()} floats, the output of the first pass (the largest).
 *
 * @param passes the passes in order, at least one
 * @param scratchLength floats each scratch buffer must hold (0 with one pass)
 */
public record ReducePasses(List<Pass> passes, long scratchLength) {
  /**
   * One launch: {@code dst[o, i] = op over m of src[o, m, i]}.
   *
   * @param outer the product of the blocks before the reduced one
   * @param mid the reduced block's size
   * @param inner the product of the blocks after it
   */
  public record Pass(int outer, int mid, int inner) {}

  /**
   * A backend's launch of one pass.
   *
   * @param <B> the backend's buffer type
   */
  @FunctionalInterface
  public interface Step<B> {
    /**
     * Reduces {@code src [outer, mid, inner]} over its middle axis into {@code dst [outer, inner]},
     * times {@code scale}.
     *
     * @param src the input of this pass
     * @param pass its sizes
     * @param scale 1 except in the last pass
     * @param dst the output of this pass
     */
    void reduce(B src, Pass pass, float scale, B dst);
  }

  /**
   * Copies the list of passes.
   *
   * @throws IllegalArgumentException when there is no pass
   */
  public ReducePasses {
    passes = List.copyOf(passes);
    if (passes.isEmpty()) throw new IllegalArgumentException("a reduction has at least one pass");
  }

  /**
   * The passes over {@code blocks}, which must have fewer than 2^31 elements ({@link
   * ReduceBlocks#checkInt32}).
   *
   * @param blocks the checked shape and axes
   * @return the passes
   */
  public static ReducePasses of(ReduceBlocks blocks) {
    int[] sizes = blocks.sizes();
    boolean[] reduced = blocks.reduced();
    if (blocks.blocks(true) == 0) {
      return new ReducePasses(List.of(new Pass((int) blocks.size(), 1, 1)), 0);
    }
    List<Integer> left = new ArrayList<>();
    List<Boolean> kinds = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      left.add(sizes[i]);
      kinds.add(reduced[i]);
    }
    List<Pass> passes = new ArrayList<>();
    while (kinds.contains(true)) {
      int k = kinds.lastIndexOf(true);
      int outer = 1;
      int inner = 1;
      for (int i = 0; i < k; i++) outer *= left.get(i);
      for (int i = k + 1; i < left.size(); i++) inner *= left.get(i);
      passes.add(new Pass(outer, left.remove(k), inner));
      kinds.remove(k);
    }
    Pass first = passes.get(0);
    long scratch = passes.size() == 1 ? 0 : (long) first.outer() * first.inner();
    return new ReducePasses(passes, scratch);
  }

  /**
   * How many scratch buffers the passes use: none for one pass, one for two, two for more.
   *
   * @return 0, 1 or 2
   */
  public int scratchBuffers() {
    return Math.min(passes.size() - 1, 2);
  }

  /**
   * Runs the passes from {@code x} to {@code out}: pass i writes {@code out} if it is the last,
   * else {@code first} when i is even and {@code second} when odd.
   *
   * @param <B> the backend's buffer type
   * @param x the input
   * @param first the first scratch buffer (unused, may be null, when {@link #scratchBuffers()} is
   *     0)
   * @param second the second (unused, may be null, unless {@link #scratchBuffers()} is 2)
   * @param out the output
   * @param scale the factor the last pass applies
   * @param step the backend's launch of one pass
   */
  public <B> void run(B x, B first, B second, B out, float scale, Step<B> step) {
    B source = x;
    for (int i = 0; i < passes.size(); i++) {
      boolean last = i == passes.size() - 1;
      B target = last ? out : i % 2 == 0 ? first : second;
      step.reduce(source, passes.get(i), last ? scale : 1f, target);
      source = target;
    }
  }
}
