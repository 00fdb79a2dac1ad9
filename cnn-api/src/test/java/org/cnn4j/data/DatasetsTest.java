package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.cnn4j.data.Datasets.Known;
import org.cnn4j.data.Datasets.Place;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  /** Runs {@code body} with {@value Datasets#PROPERTY} set, restoring the old value after. */
  private static <T> T withProperty(String value, ThrowingSupplier<T> body) throws Exception {
    String old = System.getProperty(Datasets.PROPERTY);
    System.setProperty(Datasets.PROPERTY, value);
    try {
      return body.get();
    } finally {
      if (old == null) System.clearProperty(Datasets.PROPERTY);
      else System.setProperty(Datasets.PROPERTY, old);
    }
  }

  @FunctionalInterface
  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private static List<Path> dirs(List<Place> places) {
    return places.stream().map(Place::dir).toList();
  }

  @Test
  void readsAllFourFilesOfAnExplicitFolder() throws Exception {
    IdxFiles.dataset(dir, true);

    TrainTestSplit split = Datasets.fashionMnist(dir);

    assertEquals(3, split.train().count());
    assertEquals(2, split.test().count());
    assertEquals(1, split.train().channels());
    assertArrayEquals(new float[] {9, 0, 3}, split.train().labels());
    assertArrayEquals(new float[] {1, 2}, split.test().labels());
    assertEquals(11f, split.train().images()[11], "pixels are not rescaled");
  }

  @Test
  void plainFilesAreReadToo() throws Exception {
    IdxFiles.dataset(dir, false);

    assertEquals(3, Datasets.mnist(dir).train().count());
  }

  @Test
  void propertyNamingTheParentFolderWinsOverTheOtherPlaces() throws Exception {
    IdxFiles.dataset(dir.resolve("fashion-mnist"), true);

    TrainTestSplit split = withProperty(dir.toString(), Datasets::fashionMnist);

    assertEquals(3, split.train().count(), "the tiny set under the property, not a system copy");
  }

  @Test
  void propertyNamingTheDataSetFolderItselfIsUsed() throws Exception {
    Path own = IdxFiles.dataset(dir.resolve("my-digits"), false);

    TrainTestSplit split = withProperty(own.toString(), Datasets::mnist);

    assertEquals(2, split.test().count());
  }

  @Test
  void propertyIsRestoredAfterTheTests() throws Exception {
    String before = System.getProperty(Datasets.PROPERTY);
    withProperty(dir.toString(), () -> null);
    assertEquals(before, System.getProperty(Datasets.PROPERTY));
  }

  @Test
  void lookupOrderIsConfiguredThenUserThenSystem() {
    Path home = Path.of("/home/ada");
    List<Place> places =
        Datasets.places(
            Known.FASHION_MNIST,
            Optional.of("/data"),
            Optional.empty(),
            home,
            Path.of("/usr/share/datasets"));

    assertEquals(
        List.of(
            Path.of("/data/fashion-mnist"),
            Path.of("/data"),
            Path.of("/home/ada/.cnn4j/datasets/fashion-mnist"),
            Path.of("/usr/share/datasets/fashion-mnist")),
        dirs(places));
  }

  @Test
  void propertyWinsOverEnvironment() {
    List<Place> places =
        Datasets.places(
            Known.MNIST,
            Optional.of("/from-property"),
            Optional.of("/from-env"),
            Path.of("/home/ada"),
            Path.of("/usr/share/datasets"));

    assertEquals(Path.of("/from-property/mnist"), places.get(0).dir());
    assertTrue(dirs(places).stream().noneMatch(p -> p.startsWith("/from-env")));
  }

  @Test
  void environmentIsUsedWhenThePropertyIsUnsetOrBlank() {
    List<Place> places =
        Datasets.places(
            Known.MNIST,
            Optional.of(" "),
            Optional.of("/from-env"),
            Path.of("/home/ada"),
            Path.of("/usr/share/datasets"));

    assertEquals(
        List.of(Path.of("/from-env/mnist"), Path.of("/from-env")), dirs(places).subList(0, 2));
    assertTrue(places.get(0).source().contains(Datasets.ENV));
  }

  @Test
  void aFolderNamedForTheOtherDataSetIsNotTakenForThisOne() {
    List<Place> places =
        Datasets.places(
            Known.FASHION_MNIST,
            Optional.of("/data/mnist"),
            Optional.empty(),
            Path.of("/home/ada"),
            Path.of("/usr/share/datasets"));

    assertTrue(!dirs(places).contains(Path.of("/data/mnist")), dirs(places)::toString);
  }

  @Test
  void notFoundListsEveryPlaceWithItsReasonAndHowToGetTheFiles() throws Exception {
    Files.createDirectories(dir.resolve("home/.cnn4j/datasets/fashion-mnist"));
    Path system = Files.createDirectories(dir.resolve("system"));
    List<Place> places =
        Datasets.places(
            Known.FASHION_MNIST,
            Optional.of(dir.resolve("configured").toString()),
            Optional.empty(),
            dir.resolve("home"),
            system);

    var e =
        assertThrows(
            DatasetNotFoundException.class, () -> Datasets.load(Known.FASHION_MNIST, places));

    String m = e.getMessage();
    assertEquals(dirs(places), e.searched());
    assertEquals("fashion-mnist", e.dataset());
    for (Place p : places) assertTrue(m.contains(p.dir().toString()), () -> p.dir() + " in: " + m);
    assertTrue(m.contains("no such directory"), m);
    assertTrue(m.contains("holds none of the four files"), m);
    assertTrue(m.contains("apt-get install dataset-fashion-mnist"), m);
    assertTrue(m.contains("into " + dir.resolve("home/.cnn4j/datasets/fashion-mnist")), m);
    assertTrue(m.contains("train-images-idx3-ubyte.gz"), m);
  }

  @Test
  void aFolderMissingOneFileSaysWhichAndIsSkipped() throws Exception {
    Path partial = IdxFiles.dataset(dir.resolve("partial"), true);
    Files.delete(partial.resolve("t10k-labels-idx1-ubyte.gz"));
    Path complete = IdxFiles.dataset(dir.resolve("complete"), false);

    var e = assertThrows(DatasetNotFoundException.class, () -> Datasets.mnist(partial));
    TrainTestSplit split =
        Datasets.load(
            Known.MNIST, List.of(new Place(partial, "first"), new Place(complete, "second")));

    assertTrue(e.getMessage().contains("missing t10k-labels-idx1-ubyte[.gz]"), e.getMessage());
    assertEquals(3, split.train().count());
  }

  @Test
  void aMalformedFileFoundIsAnIdxErrorNotNotFound() throws Exception {
    Path set = IdxFiles.dataset(dir, false);
    Files.write(set.resolve("t10k-labels-idx1-ubyte"), IdxFiles.labels((byte) 1));

    var e = assertThrows(IdxFormatException.class, () -> Datasets.fashionMnist(set));

    assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
  }
}
