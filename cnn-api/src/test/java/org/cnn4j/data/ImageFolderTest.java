package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.cnn4j.data.ImageFolder.ColorMode;
import org.cnn4j.data.ImageFolder.LabelMode;
import org.cnn4j.data.ImageFolder.OnUnreadable;
import org.cnn4j.data.ImageFolder.Subset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  @TempDir Path dir;

  /** Writes a w x h image whose every pixel is (r, g, b), in the format of the file's extension. */
  static Path image(Path file, int w, int h, int r, int g, int b) throws IOException {
    var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) img.setRGB(x, y, (r << 16) | (g << 8) | b);
    }
    return write(file, img);
  }

  static Path write(Path file, BufferedImage img) throws IOException {
    Files.createDirectories(file.getParent());
    String name = file.getFileName().toString();
    String format = name.substring(name.lastIndexOf('.') + 1).replace("jpg", "jpeg");
    assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
    return file;
  }

  /** Class c's images are filled with grey level 10 * (c + 1) so a pixel tells its class. */
  private Path folder(String[] classes, int perClass) throws IOException {
    for (int c = 0; c < classes.length; c++) {
      for (int i = 0; i < perClass; i++) {
        int v = 10 * (c + 1);
        image(dir.resolve(classes[c]).resolve(String.format("%03d.png", i)), 3, 2, v, v, v);
      }
    }
    return dir;
  }

  private static float[][] read(ImageFolder data) {
    int sample = Arrays.stream(data.sampleShape()).reduce(1, (a, b) -> a * b);
    float[] x = new float[data.size() * sample];
    float[] y = new float[data.size() * data.labelSize()];
    data.copyBatch(null, 0, data.size(), x, y);
    return new float[][] {x, y};
  }

  @Test
  void labelsAreTheClassFoldersSortedByName() throws IOException {
    folder(new String[] {"zebra", "apple", "mango"}, 2);
    try (var data = ImageFolder.fromDirectory(dir).targetSize(2, 3).build()) {
      assertEquals(List.of("apple", "mango", "zebra"), data.classNames());
      float[][] xy = read(data);
      for (int i = 0; i < data.size(); i++) {
        String folder = data.file(i).getParent().getFileName().toString();
        int label = (int) xy[1][i];
        assertEquals(data.classNames().indexOf(folder), label, data.file(i)::toString);
        assertEquals(data.label(i), label);
        // the pixels are the ones written into that class's files
        float grey = 10 * (List.of("zebra", "apple", "mango").indexOf(folder) + 1);
        assertEquals(grey, xy[0][i * 18], 0f);
      }
    }
  }

  @Test
  void anExplicitClassListSetsTheLabelsAndLeavesOtherFoldersOut() throws IOException {
    folder(new String[] {"a", "b", "c"}, 2);
    try (var data =
        ImageFolder.fromDirectory(dir)
            .classes(List.of("c", "a"))
            .targetSize(2, 3)
            .shuffle(false)
            .build()) {
      assertEquals(4, data.size());
      assertEquals(
          List.of(0, 0, 1, 1), List.of(data.label(0), data.label(1), data.label(2), data.label(3)));
      assertEquals("c", data.file(0).getParent().getFileName().toString());
    }
  }

  @Test
  void anEmptyClassFolderKeepsItsIndex() throws IOException {
    folder(new String[] {"a", "c"}, 2);
    Files.createDirectories(dir.resolve("b"));
    try (var data =
        ImageFolder.fromDirectory(dir).targetSize(2, 3).labelMode(LabelMode.CATEGORICAL).build()) {
      assertEquals(List.of("a", "b", "c"), data.classNames());
      assertEquals(3, data.labelSize());
      float[] y = read(data)[1];
      for (int i = 0; i < data.size(); i++) {
        boolean inC = data.file(i).toString().contains("/c/");
        assertArrayEquals(
            inC ? new float[] {0, 0, 1} : new float[] {1, 0, 0},
            Arrays.copyOfRange(y, 3 * i, 3 * i + 3));
      }
    }
  }

  @Test
  void filesOfOtherTypesAndTopLevelFilesAreIgnored() throws IOException {
    folder(new String[] {"a", "b"}, 1);
    Files.writeString(dir.resolve("a").resolve("notes.txt"), "not an image");
    Files.writeString(dir.resolve("README.png"), "top level, no class");
    image(dir.resolve("b/nested/deeper.PNG"), 3, 2, 20, 20, 20);
    try (var data = ImageFolder.fromDirectory(dir).targetSize(2, 3).build()) {
      assertEquals(3, data.size());
    }
  }

  @Test
  void readsPngJpegBmpAndGif() throws IOException {
    for (String ext : List.of("png", "jpg", "bmp", "gif"))
      image(dir.resolve("a/img." + ext), 4, 4, 200, 100, 50);
    try (var data = ImageFolder.fromDirectory(dir).targetSize(4, 4).build()) {
      float[] x = read(data)[0];
      for (int i = 0; i < 4; i++) {
        boolean lossy =
            data.file(i).toString().endsWith(".jpg") || data.file(i).toString().endsWith(".gif");
        float tolerance = lossy ? 12 : 0;
        assertEquals(200, x[i * 48], tolerance, data.file(i)::toString);
        assertEquals(100, x[i * 48 + 1], tolerance, data.file(i)::toString);
        assertEquals(50, x[i * 48 + 2], tolerance, data.file(i)::toString);
      }
    }
  }

  @Test
  void grayscaleIsPilLumaAndBinaryLabelsAreZeroOrOne() throws IOException {
    image(dir.resolve("cat/1.png"), 2, 2, 255, 0, 0);
    image(dir.resolve("dog/1.png"), 2, 2, 0, 0, 255);
    try (var data =
        ImageFolder.fromDirectory(dir)
            .targetSize(2, 2)
            .colorMode(ColorMode.GRAYSCALE)
            .labelMode(LabelMode.BINARY)
            .shuffle(false)
            .build()) {
      assertArrayEquals(new int[] {2, 2, 1}, data.sampleShape());
      float[][] xy = read(data);
      assertEquals(76, xy[0][0], 0f); // (255 * 19595 + 32768) >> 16
      assertEquals(29, xy[0][4], 0f); // (255 * 7471 + 32768) >> 16
      assertArrayEquals(new float[] {0, 1}, xy[1]);
    }
  }

  @Test
  void binaryLabelsNeedExactlyTwoClasses() throws IOException {
    folder(new String[] {"a", "b", "c"}, 1);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageFolder.fromDirectory(dir).labelMode(LabelMode.BINARY).build());
    assertTrue(e.getMessage().contains("exactly 2 classes"), e.getMessage());
  }

  @Test
  void resizeIsBilinearWithHalfPixelCentres() throws IOException {
    var img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, 0);
    img.getRaster().setSample(1, 0, 0, 100);
    write(dir.resolve("a/ramp.png"), img);
    try (var data =
        ImageFolder.fromDirectory(dir).targetSize(1, 4).colorMode(ColorMode.GRAYSCALE).build()) {
      assertArrayEquals(new float[] {0, 25, 75, 100}, read(data)[0], 1e-4f);
    }
  }

  @Test
  void aValidationSplitIsDisjointCoversTheFolderAndRepeatsForASeed() throws IOException {
    folder(new String[] {"a", "b"}, 10);
    Set<Path> train = files(Subset.TRAINING, 3);
    Set<Path> val = files(Subset.VALIDATION, 3);

    assertEquals(16, train.size());
    assertEquals(4, val.size());
    assertTrue(
        val.stream().filter(p -> p.toString().contains("/a/")).count() == 2, "2 of each class");
    assertTrue(train.stream().noneMatch(val::contains));
    assertEquals(20, new HashSet<>(union(train, val)).size());
    assertEquals(val, files(Subset.VALIDATION, 3));
    assertFalse(val.equals(files(Subset.VALIDATION, 4)), "another seed holds out other files");
  }

  @Test
  void theSampleOrderIsASeededShuffle() throws IOException {
    folder(new String[] {"a", "b"}, 10);
    try (var one = ImageFolder.fromDirectory(dir).seed(1).build();
        var same = ImageFolder.fromDirectory(dir).seed(1).build();
        var other = ImageFolder.fromDirectory(dir).seed(2).build();
        var sorted = ImageFolder.fromDirectory(dir).shuffle(false).build()) {
      assertEquals(one.files(), same.files());
      assertFalse(one.files().equals(other.files()));
      assertEquals(sorted.files().stream().sorted().toList(), sorted.files());
    }
  }

  private Set<Path> files(Subset subset, long seed) throws IOException {
    try (var data =
        ImageFolder.fromDirectory(dir).validationSplit(0.2, subset).seed(seed).build()) {
      return new HashSet<>(data.files());
    }
  }

  private static List<Path> union(Set<Path> a, Set<Path> b) {
    var all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  void aCorruptPngFailsTheBatchNamingTheFile() throws IOException {
    folder(new String[] {"a", "b"}, 2);
    var noise = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    var random = new java.util.Random(1);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) noise.setRGB(x, y, random.nextInt(1 << 24));
    }
    Path good = write(dir.resolve("b/big.png"), noise);
    byte[] bytes = Files.readAllBytes(good);
    Path bad = dir.resolve("b/truncated.png");
    Files.write(bad, Arrays.copyOf(bytes, bytes.length / 2));
    Files.delete(good);
    try (var data = ImageFolder.fromDirectory(dir).targetSize(2, 3).build()) {
      var e = assertThrows(UnreadableImageException.class, () -> read(data));
      assertEquals(bad, e.file());
      assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }
  }

  @Test
  void aFileThatIsNoImageSaysSo() throws IOException {
    Path bad = dir.resolve("a/fake.jpg");
    Files.createDirectories(bad.getParent());
    Files.writeString(bad, "<html>not a jpeg</html>");
    try (var data = ImageFolder.fromDirectory(dir).targetSize(2, 2).build()) {
      var e = assertThrows(UnreadableImageException.class, () -> read(data));
      assertTrue(
          e.getMessage().contains("fake.jpg") && e.getMessage().contains("no ImageIO reader"),
          e.getMessage());
    }
  }

  @Test
  void skipLeavesUnreadableFilesOutAndCountsThem() throws IOException {
    folder(new String[] {"a", "b"}, 3);
    Files.writeString(dir.resolve("a/bad1.png"), "garbage");
    Files.write(dir.resolve("b/bad2.gif"), new byte[] {'G', 'I', 'F', '8', '9', 'a', 1});
    try (var data =
        ImageFolder.fromDirectory(dir).targetSize(2, 3).onUnreadable(OnUnreadable.SKIP).build()) {
      assertEquals(6, data.size());
      assertEquals(2, data.skipped().size());
      assertEquals(
          Set.of(dir.resolve("a/bad1.png"), dir.resolve("b/bad2.gif")),
          Set.of(data.skipped().get(0).file(), data.skipped().get(1).file()));
      float[][] xy = read(data);
      for (int i = 0; i < 6; i++)
        assertEquals(10 * (xy[1][i] + 1), xy[0][i * 18], 0f, "label matches its pixels");
    }
  }

  @Test
  void augmentationRepeatsForASeedWhateverTheThreadCount() throws IOException {
    folder(new String[] {"a", "b"}, 4);
    image(dir.resolve("a/gradient.png"), 8, 8, 0, 0, 0);
    var gen =
        ImageDataGenerator.builder()
            .rotationRange(30)
            .horizontalFlip(true)
            .zoomRange(0.2)
            .seed(3)
            .build();
    try (var one = gen.flowFromDirectory(dir).targetSize(8, 8).threads(1).build();
        var four = gen.flowFromDirectory(dir).targetSize(8, 8).threads(4).build()) {
      assertEquals(LabelMode.CATEGORICAL, one.labelMode(), "flow_from_directory's default");
      assertArrayEquals(read(one)[0], read(four)[0]);
      assertArrayEquals(read(one)[1], read(four)[1]);
    }
  }

  @Test
  void aMissingFolderOrClassAndAFolderWithoutImagesAreErrors() throws IOException {
    assertThrows(
        NoSuchFileException.class, () -> ImageFolder.fromDirectory(dir.resolve("nope")).build());
    Files.createDirectories(dir.resolve("a"));
    var e =
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.fromDirectory(dir).build());
    assertTrue(e.getMessage().contains("no images"), e.getMessage());
    var missing =
        assertThrows(
            NoSuchFileException.class,
            () -> ImageFolder.fromDirectory(dir).classes(List.of("a", "zz")).build());
    assertTrue(missing.getMessage().contains("zz"), missing.getMessage());
  }
}
