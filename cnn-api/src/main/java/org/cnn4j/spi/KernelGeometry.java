package org.cnn4j.spi;

/**
 * The geometry records as the int arrays that device kernels take (OpenCL's {@code int16}, CUDA's
 * geometry structs), the components in declaration order, so every backend packs them alike.
 */
public final class KernelGeometry {
  private KernelGeometry() {}

  /** Conv2dSpec's sixteen components: n, h, w, c, kh, kw, filters, strides, pads, dilations, ... */
  public static int[] of(Conv2dSpec s) {
    return new int[] {
      s.n(),
      s.h(),
      s.w(),
      s.c(),
      s.kh(),
      s.kw(),
      s.filters(),
      s.strideH(),
      s.strideW(),
      s.padTop(),
      s.padLeft(),
      s.dilationH(),
      s.dilationW(),
      s.groups(),
      s.outH(),
      s.outW()
    };
  }

  /** Pool2dSpec's twelve components: n, h, w, c, poolH, poolW, strides, pads, outH, outW. */
  public static int[] of(Pool2dSpec s) {
    return new int[] {
      s.n(),
      s.h(),
      s.w(),
      s.c(),
      s.poolH(),
      s.poolW(),
      s.strideH(),
      s.strideW(),
      s.padTop(),
      s.padLeft(),
      s.outH(),
      s.outW()
    };
  }
}
