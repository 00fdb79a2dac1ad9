package org.cnn4j.conformance;

import static org.cnn4j.conformance.Views.box;
import static org.cnn4j.conformance.Views.broadcast;
import static org.cnn4j.conformance.Views.permuted;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.StridedView;

/**
 * {@link Backend#copyStrided} against the reference: the views concatenation, slicing, padding,
 * transposes, broadcast reads and nearest upsampling make, ranks 1 to 6, with offsets. The
 * destination starts with values of its own, and the whole buffer is compared exactly, so a write
 * outside the view (or a missed one) shows.
 */
public final class LayoutChecks extends Checks {

  /** One copy between two views of one shape, in buffers of the given lengths. */
  public record CopyCase(
      String label, int srcLength, StridedView from, int dstLength, StridedView to) {
    @Override
    public String toString() {
      return label + ": " + Views.describe(from) + " -> " + Views.describe(to);
    }
  }

  public LayoutChecks(Backend underTest, Backend reference) {
    super(underTest, reference);
  }

  private static CopyCase copy(String label, StridedView from, StridedView to) {
    return new CopyCase(label, Views.length(from, 2), from, Views.length(to, 3), to);
  }

  private static StridedView contiguous(long offset, int... shape) {
    return StridedView.contiguous(offset, shape);
  }

  public static List<CopyCase> cases() {
    List<CopyCase> c = new ArrayList<>();
    c.add(copy("rank 1, offsets (one run)", contiguous(3, 7), contiguous(5, 7)));
    c.add(
        copy(
            "rank 1, every third source element",
            new StridedView(1, new int[] {9}, new long[] {3}),
            contiguous(2, 9)));
    c.add(
        copy(
            "rank 1, every second destination element",
            contiguous(0, 6),
            new StridedView(1, new int[] {6}, new long[] {2})));
    int[] joined = {2, 3, 4, 5};
    c.add(
        copy(
            "concatenate channels, first part",
            contiguous(0, 2, 3, 4, 2),
            box(joined, new int[] {0, 0, 0, 0}, new int[] {2, 3, 4, 2}, 0)));
    c.add(
        copy(
            "concatenate channels, second part",
            contiguous(1, 2, 3, 4, 3),
            box(joined, new int[] {0, 0, 0, 2}, new int[] {2, 3, 4, 3}, 0)));
    c.add(
        copy(
            "concatenate batches, second part",
            contiguous(0, 3, 6),
            box(new int[] {5, 6}, new int[] {2, 0}, new int[] {3, 6}, 4)));
    c.add(
        copy(
            "concatenate a middle axis",
            contiguous(0, 4, 2, 3),
            box(new int[] {4, 7, 3}, new int[] {0, 5, 0}, new int[] {4, 2, 3}, 0)));
    c.add(
        copy(
            "crop (Cropping2D)",
            box(new int[] {2, 7, 6, 3}, new int[] {0, 1, 2, 0}, new int[] {2, 5, 3, 3}, 0),
            contiguous(0, 2, 5, 3, 3)));
    c.add(
        copy(
            "pad (ZeroPadding2D)",
            contiguous(0, 2, 3, 4, 3),
            box(new int[] {2, 5, 7, 3}, new int[] {0, 1, 2, 0}, new int[] {2, 3, 4, 3}, 0)));
    c.add(copy("transpose rank 2", permuted(new int[] {5, 7}, 1, 0), contiguous(0, 7, 5)));
    c.add(
        copy(
            "NHWC to NCHW",
            permuted(new int[] {2, 3, 4, 5}, 0, 3, 1, 2),
            contiguous(2, 2, 5, 3, 4)));
    c.add(
        copy(
            "Permute((2, 1)) of rank 3",
            permuted(new int[] {3, 4, 5}, 0, 2, 1),
            contiguous(0, 3, 5, 4)));
    c.add(copy("broadcast read of a row", broadcast(new int[] {4}, 1, 3, 4), contiguous(0, 3, 4)));
    c.add(
        copy(
            "broadcast read of a scalar to rank 3",
            broadcast(new int[] {1}, 2, 2, 3, 4),
            contiguous(1, 2, 3, 4)));
    c.add(
        copy(
            "nearest upsampling 2x as rank 6",
            new StridedView(0, new int[] {2, 3, 2, 4, 2, 3}, new long[] {36, 12, 0, 3, 0, 1}),
            contiguous(0, 2, 3, 2, 4, 2, 3)));
    c.add(
        copy(
            "rank 5, every axis strided",
            box(new int[] {3, 4, 3, 4, 3}, new int[] {1, 1, 0, 1, 1}, new int[] {2, 3, 2, 3, 2}, 2),
            box(
                new int[] {2, 5, 2, 4, 3},
                new int[] {0, 1, 0, 1, 0},
                new int[] {2, 3, 2, 3, 2},
                1)));
    c.add(
        copy(
            "rank 6 with size-1 axes",
            box(
                new int[] {2, 2, 3, 1, 4, 3},
                new int[] {1, 0, 1, 0, 0, 1},
                new int[] {1, 2, 2, 1, 4, 2},
                0),
            box(
                new int[] {3, 2, 2, 2, 4, 2},
                new int[] {1, 0, 0, 1, 0, 0},
                new int[] {1, 2, 2, 1, 4, 2},
                5)));
    c.add(
        copy(
            "long rows of a slice",
            box(new int[] {64, 40}, new int[] {3, 5}, new int[] {50, 33}, 0),
            box(new int[] {60, 40}, new int[] {2, 1}, new int[] {50, 33}, 0)));
    c.add(copy("one element", contiguous(4, 1, 1), contiguous(2, 1, 1)));
    return c;
  }

  /** dst[to] = src[from]; every other element of dst keeps its value. */
  public void copy(CopyCase c) {
    Inputs in = Inputs.forCase(c);
    float[] src = in.uniform(c.srcLength(), -1, 1);
    float[] dst = in.uniform(c.dstLength(), 2, 3);
    try (Session s = session()) {
      Twin tsrc = s.upload(src);
      Twin tdst = s.upload(dst);
      s.run(b -> b.copyStrided(tsrc.on(b), c.from(), tdst.on(b), c.to()));
      s.expectClose("copyStrided " + c, tdst, Tolerances.EXACT);
      s.expectClose("copyStrided leaves its source alone, " + c, tsrc, Tolerances.EXACT);
    }
  }

  /**
   * Views of different shapes and a destination that repeats an element are {@link
   * IllegalArgumentException}s; a view reaching past its buffer is an {@link
   * IndexOutOfBoundsException}, thrown before anything is written.
   */
  public void rejectsBadViews() {
    try (Session s = session()) {
      Twin src = s.upload(new float[12]);
      Twin dst = s.upload(new float[12]);
      s.runUnderTest(
          b -> {
            assertThrows(
                IllegalArgumentException.class,
                () -> b.copyStrided(src.on(b), contiguous(0, 3, 4), dst.on(b), contiguous(0, 4, 3)),
                "views of different shapes");
            assertThrows(
                IllegalArgumentException.class,
                () ->
                    b.copyStrided(
                        src.on(b),
                        contiguous(0, 3, 4),
                        dst.on(b),
                        broadcast(new int[] {4}, 0, 3, 4)),
                "a destination with stride 0");
            assertThrows(
                IndexOutOfBoundsException.class,
                () -> b.copyStrided(src.on(b), contiguous(1, 3, 4), dst.on(b), contiguous(0, 3, 4)),
                "a source reaching past its buffer");
            assertThrows(
                IndexOutOfBoundsException.class,
                () -> b.copyStrided(src.on(b), contiguous(0, 3, 4), dst.on(b), contiguous(2, 3, 4)),
                "a destination reaching past its buffer");
          });
    }
  }
}
