package org.cnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.spi.BackendException;
import org.junit.jupiter.api.Test;

class CuStatusTest {
  @Test
  void namesTheResultsUsersMeet() {
    assertEquals("CUDA_SUCCESS", CuStatus.name(0));
    assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CuStatus.name(2));
    assertEquals("CUDA_ERROR_INSUFFICIENT_DRIVER", CuStatus.name(35));
    assertEquals("CUDA_ERROR_NO_DEVICE", CuStatus.name(100));
    assertEquals("CUDA_ERROR_NO_BINARY_FOR_GPU", CuStatus.name(209));
    assertEquals("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", CuStatus.name(222));
    assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", CuStatus.name(700));
    assertEquals("CUDA_ERROR_LAUNCH_FAILED", CuStatus.name(719));
  }

  @Test
  void unknownCodesKeepTheirNumber() {
    assertEquals("CUDA_ERROR_UNKNOWN_CODE(4242)", CuStatus.name(4242));
  }

  @Test
  void checkPassesSuccessAndThrowsTheNamedStatusOtherwise() {
    CuStatus.check(0, "cuInit", "");
    BackendException e =
        assertThrows(
            BackendException.class,
            () -> CuStatus.check(700, "cuLaunchKernel im2col", "grid 1x1x1"));
    assertEquals("cuda", e.backendId());
    assertEquals("cuLaunchKernel im2col", e.op());
    assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", e.status());
    assertTrue(e.getMessage().contains("grid 1x1x1"), e.getMessage());
  }

  @Test
  void kernelFaultsPoisonTheContextButOutOfMemoryDoesNot() {
    assertTrue(CuStatus.isDeviceFault(700));
    assertTrue(CuStatus.isDeviceFault(719));
    assertFalse(CuStatus.isDeviceFault(2));
    assertFalse(CuStatus.isDeviceFault(1));
  }
}
