package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.conformance.MemoryChecks.ClosedUse;
import org.cnn4j.conformance.MemoryChecks.MemoryCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Memory conformance: upload, download, copy and fill at offsets, accounting, closed buffers. */
public abstract class MemoryConformance extends ConformanceTest {
  protected MemoryConformance(String providerId) {
    super(providerId);
  }

  static List<MemoryCase> memoryCases() {
    return MemoryChecks.cases();
  }

  static List<ClosedUse> closedUses() {
    return MemoryChecks.closedUses();
  }

  private MemoryChecks checks() {
    return new MemoryChecks(backend(), reference());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("memoryCases")
  void uploadAndDownloadAtOffsets(MemoryCase c) {
    checks().uploadDownload(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("memoryCases")
  void copyBetweenOffsets(MemoryCase c) {
    checks().copy(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("memoryCases")
  void fillARange(MemoryCase c) {
    checks().fill(c);
  }

  @Test
  void allocationsAreCountedAndCloseIsIdempotent() {
    checks().allocationIsCounted();
  }

  @ParameterizedTest(name = "{0} after close() throws")
  @MethodSource("closedUses")
  void closedBufferUseThrows(ClosedUse use) {
    checks().closedBufferUseThrows(use);
  }
}
