package org.cnn4j.backend.cuda;

import static jcuda.jcublas.JCublas2.cublasCreate;
import static jcuda.jcublas.JCublas2.cublasDestroy;
import static jcuda.jcublas.JCublas2.cublasGetVersion;
import static jcuda.jcublas.JCublas2.cublasSetMathMode;
import static jcuda.jcublas.JCublas2.cublasSetStream;
import static jcuda.jcublas.JCublas2.cublasSgemm;

import jcuda.Pointer;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.runtime.cudaStream_t;
import org.cnn4j.spi.BackendException;

/**
 * SGEMM through cuBLAS (JCublas2, which needs {@code libcublas.so.12}), on the backend's stream.
 * Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, so the operands swap and no data
 * moves. With beta == 0 cuBLAS does not read C. TF32 tensor-core math only when asked for.
 */
final class CublasGemm implements CuGemm {
  private final cublasHandle handle = new cublasHandle();
  private final boolean tf32;
  private final int version;

  /** Creates the handle; throws (UnsatisfiedLinkError included) when cuBLAS cannot load. */
  CublasGemm(CuContext cu, boolean tf32) {
    this.tf32 = tf32;
    int status = cublasCreate(handle);
    if (status != 0) {
      throw new BackendException(
          CudaBackendProvider.ID,
          "cublasCreate",
          jcuda.jcublas.cublasStatus.stringFor(status),
          "creating a cuBLAS handle",
          null);
    }
    cublasSetStream(handle, new cudaStream_t(cu.stream()));
    cublasSetMathMode(
        handle, tf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH);
    int[] v = new int[1];
    cublasGetVersion(handle, v);
    version = v[0];
  }

  @Override
  public String name() {
    return "cublas";
  }

  @Override
  public String description() {
    return "cuBLAS "
        + version / 10000
        + "."
        + version % 10000 / 100
        + "."
        + version % 100
        + (tf32 ? " (TF32 tensor cores)" : " (FP32)");
  }

  @Override
  public void run(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      CuBuffer a,
      long aOffset,
      int lda,
      CuBuffer b,
      long bOffset,
      int ldb,
      float beta,
      CuBuffer c,
      long cOffset,
      int ldc) {
    int status =
        cublasSgemm(
            handle,
            transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
            transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
            n,
            m,
            k,
            Pointer.to(new float[] {alpha}),
            b.base().withByteOffset(bOffset * Float.BYTES),
            ldb,
            a.base().withByteOffset(aOffset * Float.BYTES),
            lda,
            Pointer.to(new float[] {beta}),
            c.base().withByteOffset(cOffset * Float.BYTES),
            ldc);
    if (status != 0) {
      throw new BackendException(
          CudaBackendProvider.ID,
          "cublasSgemm",
          jcuda.jcublas.cublasStatus.stringFor(status),
          "m=" + m + " n=" + n + " k=" + k + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc,
          null);
    }
  }

  @Override
  public void close() {
    cublasDestroy(handle);
  }
}
