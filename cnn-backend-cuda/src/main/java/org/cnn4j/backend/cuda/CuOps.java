package org.cnn4j.backend.cuda;

import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Ranges;

/**
 * What every op family of the CUDA backend launches with: the context, the kernels of {@code
 * cnn4j.fatbin}, device memory, the host-side range check of each buffer, and the two launch shapes
 * most kernels use. The families hold only their launches.
 */
final class CuOps {
  /** The backend's name in error messages. */
  static final String NAME = "CUDA";

  /** Threads per block of the grid-stride and row kernels. */
  static final int BLOCK = 256;

  final CuContext cu;
  final CuModule module;
  final CuAllocator allocator;

  /** Grid-stride kernels need no more blocks than keep every SM busy. */
  private final int maxBlocks;

  CuOps(CuContext cu, CuModule module, CuAllocator allocator) {
    this.cu = cu;
    this.module = module;
    this.allocator = allocator;
    this.maxBlocks = cu.device().multiprocessors() * 32;
  }

  int multiprocessors() {
    return cu.device().multiprocessors();
  }

  /** Device memory for intermediate results: from the caching allocator, not counted. */
  CuBuffer scratch(long length) {
    return allocator.allocate(length, false);
  }

  /** A grid-stride kernel over n elements: 256 threads a block, at most 32 blocks per SM. */
  void launch1d(String kernel, long n, Object... args) {
    if (n <= 0) return;
    module.launch(kernel, Math.min(OwnGemm.ceilDiv(n, BLOCK), maxBlocks), 1, 1, BLOCK, 1, 0, args);
  }

  /** A row kernel: one warp per row, eight rows a block. */
  void launchRows(String kernel, int rows, Object... args) {
    if (rows <= 0) return;
    module.launch(
        kernel, Math.min(OwnGemm.ceilDiv(rows, BLOCK / 32), maxBlocks), 1, 1, BLOCK, 1, 0, args);
  }

  /** Kernels that index in 32 bits: sizes must fit. */
  static int int32(long size, String what) {
    return Ranges.int32(NAME, size, what);
  }

  /** The buffer as ours, after checking that {@code [offset, offset + len)} lies inside it. */
  CuBuffer range(DeviceBuffer buffer, String name, long offset, long len) {
    CuBuffer b = allocator.own(buffer, name);
    Ranges.check(name, b, offset, len);
    return b;
  }
}
