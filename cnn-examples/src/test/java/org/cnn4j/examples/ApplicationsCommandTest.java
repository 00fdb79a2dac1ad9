package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code cnn4j summary <application>} prints Keras' totals; {@code bench --model} measures one. */
class ApplicationsCommandTest {
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      var cli = Cnn4j.commandLine();
      cli.setErr(new PrintWriter(err));
      int code = cli.execute(args);
      return new Run(code, bytes.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(saved);
    }
  }

  @Test
  void summaryOfResNet50PrintsKerasTotal() {
    Run r = run("summary", "resnet50", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Model: \"resnet50\""), r.out());
    assertTrue(r.out().contains(" Total params: 25,636,712 (97.80 MB)"), r.out());
    assertTrue(r.out().contains(" Trainable params: 25,583,592"), r.out());
  }

  @Test
  void summaryOfMobileNetV2PrintsKerasTotal() {
    Run r = run("summary", "MobileNetV2", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Model: \"mobilenetv2_1.00_224\""), r.out());
    assertTrue(r.out().contains(" Total params: 3,538,984"), r.out());
  }

  @Test
  void anUnknownArchitectureListsTheApplications() {
    Run r = run("summary", "mobilenet_v9", "--backend", "cpu");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("mobilenet_v2"), r.err());
  }

  @Test
  void benchOfAModelPrintsThroughputAndLatency() {
    Run r =
        run(
            "bench",
            "--model",
            "lenet5",
            "--backend",
            "cpu",
            "--batch",
            "4",
            "--window",
            "1",
            "--infer-batch",
            "4",
            "--infer-reps",
            "1",
            "--latency-reps",
            "2");
    assertEquals(0, r.code(), r.err());
    for (String metric :
        new String[] {"train_img_s", "infer_img_s", "latency_ms_batch1", "peak_rss_mb"}) {
      assertTrue(
          r.out().contains("RESULT peer=cnn4j backend=cpu wl=lenet5 bs=4 metric=" + metric),
          metric + " in " + r.out());
    }
  }
}
