package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The close and fault guard every backend (cpu, opencl, cuda) runs its ops behind. */
class BackendGuardTest {

  @Test
  void anOpenBackendIsUsable() {
    assertDoesNotThrow(() -> new BackendGuard("cuda").ensureUsable("gemm"));
  }

  @Test
  void closeReportsTrueOnlyTheFirstTime() {
    BackendGuard guard = new BackendGuard("cuda");
    assertTrue(guard.close());
    assertFalse(guard.close());
    assertFalse(guard.close());
    assertTrue(guard.isClosed());
  }

  @Test
  void everyUseAfterCloseIsAnIllegalStateExceptionNamingTheBackendAndTheOp() {
    BackendGuard guard = new BackendGuard("cuda");
    guard.close();
    var e = assertThrows(IllegalStateException.class, () -> guard.ensureUsable("conv2dForward"));
    assertTrue(e.getMessage().startsWith("cuda backend is closed"), e.getMessage());
    assertTrue(e.getMessage().contains("conv2dForward called after close()"), e.getMessage());
    var bare = assertThrows(IllegalStateException.class, guard::ensureUsable);
    assertTrue(bare.getMessage().startsWith("cuda backend is closed"), bare.getMessage());
  }

  @Test
  void afterADeviceFaultEveryOpRethrowsTheFirstFault() {
    BackendGuard guard = new BackendGuard("cuda");
    BackendException first =
        new BackendException("cuda", "gemm", "CUDA_ERROR_ILLEGAL_ADDRESS", "x", null);
    guard.fault(first);
    guard.fault(new BackendException("cuda", "fill", "CUDA_ERROR_LAUNCH_FAILED", "y", null));
    var e = assertThrows(BackendException.class, () -> guard.ensureUsable("upload"));
    assertSame(first, e.getCause());
    assertEquals("upload", e.op());
    assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", e.status());
  }

  @Test
  void closedWinsOverAFault() {
    BackendGuard guard = new BackendGuard("opencl");
    guard.fault(new BackendException("opencl", "gemm", "CL_OUT_OF_RESOURCES", "x", null));
    guard.close();
    assertThrows(IllegalStateException.class, () -> guard.ensureUsable("upload"));
  }
}
