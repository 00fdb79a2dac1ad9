package org.cnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fatbin the build put in the jar. When nvcc was on PATH at build time these check that every
 * kernel the backend launches is in it and which GPUs it carries SASS for; nvcc compiling every .cu
 * for every target is the build itself.
 */
class KernelImageTest {
  /** Every kernel CudaBackend, OwnGemm and the probe launch or look up. */
  static final List<String> LAUNCHED =
      List.of(
          "activation_backward",
          "activation_backward_from_output",
          "activation_forward",
          "adam_step",
          "arg_combine",
          "arg_reduce",
          "avg_pool_backward",
          "avg_pool_forward",
          "axpby",
          "bias_activation_forward",
          "binary",
          "binary_backward",
          "binary_broadcast",
          "bn_apply",
          "bn_backward_dx",
          "bn_backward_sums",
          "bn_square_deviation",
          "broadcast_middle",
          "col2im",
          "copy_strided",
          "dropout_mask",
          "gemm_nn_large",
          "gemm_nn_small",
          "gemm_nt_large",
          "gemm_nt_small",
          "gemm_splitk_reduce",
          "gemm_tn_large",
          "gemm_tn_small",
          "gemm_tt_large",
          "gemm_tt_small",
          "im2col",
          "layer_norm_backward",
          "layer_norm_forward",
          "layer_norm_param_sums",
          "loss",
          "max_pool_backward",
          "max_pool_forward",
          "reduce_axis",
          "reduce_middle",
          "resize_bilinear",
          "resize_bilinear_adjoint",
          "rmsprop_step",
          "sgd_step",
          "softmax",
          "softmax_backward",
          "unary",
          "unary_backward");

  private static boolean nvccAtBuild() {
    return KernelImage.describe().built();
  }

  @Test
  void theJarSaysWhetherItCarriesKernels() {
    KernelImage image = KernelImage.describe();
    if (!image.built()) {
      assertFalse(image.reason().isBlank(), "a jar without kernels says why");
      assertTrue(KernelImage.fatbin().isEmpty());
    } else {
      assertTrue(KernelImage.fatbin().isPresent());
    }
  }

  /**
   * Every kernel name the backend's sources launch by a literal is in {@link #LAUNCHED}, so the
   * fatbin check covers a newly launched kernel (no nvcc needed).
   */
  @Test
  void everyKernelLaunchedByNameIsListed() throws IOException {
    Pattern launch =
        Pattern.compile("(?:launch1d|launchRows|launch|function)\\(\\s*\"([a-z0-9_]+)\"");
    Set<String> named = new TreeSet<>();
    try (var files = Files.list(Path.of("src/main/java/org/cnn4j/backend/cuda"))) {
      for (Path file : files.toList()) {
        Matcher m = launch.matcher(Files.readString(file));
        while (m.find()) named.add(m.group(1));
      }
    }
    assertTrue(named.contains("unary") && named.contains("reduce_axis"), named.toString());
    named.removeAll(LAUNCHED);
    assertTrue(named.isEmpty(), "launched but not in LAUNCHED: " + named);
  }

  @Test
  void theFatbinCarriesSassFromTuringToBlackwellAndPtxForNewerGpus() {
    assumeTrue(nvccAtBuild(), "the jar was built without nvcc");
    KernelImage image = KernelImage.describe();
    assertTrue(
        image.sass().containsAll(List.of("sm_75", "sm_80", "sm_86", "sm_89", "sm_90")),
        image.sass().toString());
    assertEquals("compute_90", image.ptx());
    assertTrue(image.minDriver() >= 12000, "minDriver " + image.minDriver());
  }

  @Test
  void everyLaunchedKernelIsAnEntryOfTheFatbin() {
    assumeTrue(nvccAtBuild(), "the jar was built without nvcc");
    assertTrue(
        KernelImage.describe().kernels().containsAll(LAUNCHED),
        "kernels.properties lists " + KernelImage.describe().kernels());
    // The PTX image is stored uncompressed, so its entry directives are readable in the bytes.
    String fatbin = new String(KernelImage.fatbin().orElseThrow(), StandardCharsets.ISO_8859_1);
    for (String kernel : LAUNCHED) {
      assertTrue(
          fatbin.contains(".entry " + kernel + "("),
          kernel + " is an entry of the PTX in cnn4j.fatbin");
    }
  }

  @Test
  void theFatbinStartsWithTheFatbinMagic() {
    assumeTrue(nvccAtBuild(), "the jar was built without nvcc");
    byte[] bytes = KernelImage.fatbin().orElseThrow();
    // fatBinaryHeader.magic = 0xBA55ED50, little-endian.
    assertEquals(0x50, bytes[0] & 0xff);
    assertEquals(0xED, bytes[1] & 0xff);
    assertEquals(0x55, bytes[2] & 0xff);
    assertEquals(0xBA, bytes[3] & 0xff);
  }

  @Test
  void aPropertiesFileWithoutKernelsReadsAsNotBuilt() {
    Properties p = new Properties();
    p.setProperty("built", "false");
    p.setProperty("reason", "nvcc was not on PATH when this jar was built");
    KernelImage image = KernelImage.parse(p);
    assertFalse(image.built());
    assertTrue(
        CudaProbe.noKernels(image).contains("built without CUDA kernels (nvcc was not on PATH"),
        CudaProbe.noKernels(image));
  }

  @Test
  void driverVersionsReadAsCudaReleases() {
    assertEquals("13.0", KernelImage.cudaVersion(13000));
    assertEquals("12.8", KernelImage.cudaVersion(12080));
    Properties p = new Properties();
    p.setProperty("built", "true");
    p.setProperty("nvcc", "13.0");
    p.setProperty("ptxIsa", "9.0");
    p.setProperty("minDriver", "13000");
    String reason = CudaProbe.driverTooOld(12080, KernelImage.parse(p));
    assertTrue(
        reason.contains("supports CUDA 12.8")
            && reason.contains("need CUDA 13.0")
            && reason.contains("R580"),
        reason);
  }
}
