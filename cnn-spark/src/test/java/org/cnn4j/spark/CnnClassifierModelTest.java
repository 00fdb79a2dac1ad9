package org.cnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch inference: the Transformer scores each row as the model's own predict does, from every
 * column format, and reports a corrupt row by its name, failing or skipping as asked.
 */
class CnnClassifierModelTest {
  private static final int COUNT = 20;

  /** Scores through Spark against scores on the driver: the same floats through the same model. */
  private static final double SAME = 1e-6;

  private static SparkSession spark;
  private static Model grey;
  private static Model colour;

  @BeforeAll
  static void start() {
    spark = LocalSpark.session();
    grey = TestData.model(1);
    colour = TestData.model(3);
  }

  @AfterAll
  static void close() {
    grey.close();
    colour.close();
  }

  @Test
  void scoresImageRowsAsThePredictOfTheModel() {
    byte[][] images = TestData.pixels(COUNT, 1, 1);
    Dataset<Row> frame = TestData.imageFrame(spark, images, 1, new int[COUNT], 2);
    Map<String, Row> scored = byId(CnnClassifierModel.of(grey).transform(frame));
    assertScoresMatch(grey, images, scored);
  }

  @Test
  void colourImagesInSparksBgrOrderAreReadAsRgb() {
    byte[][] images = TestData.pixels(COUNT, 3, 2);
    Dataset<Row> frame = TestData.imageFrame(spark, images, 3, new int[COUNT], 2);
    Map<String, Row> scored = byId(CnnClassifierModel.of(colour).transform(frame));
    assertScoresMatch(colour, images, scored);
  }

  @Test
  void binaryFloatArrayAndVectorColumnsScoreAsTheImageColumn() {
    byte[][] images = TestData.pixels(COUNT, 1, 3);
    float[] x = TestData.floats(images);
    List<Row> rows = new ArrayList<>();
    int size = TestData.SIDE * TestData.SIDE;
    for (int i = 0; i < COUNT; i++) {
      float[] floats = new float[size];
      double[] doubles = new double[size];
      for (int j = 0; j < size; j++) {
        floats[j] = x[i * size + j];
        doubles[j] = x[i * size + j];
      }
      rows.add(RowFactory.create("id" + i, images[i], floats, Vectors.dense(doubles)));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("bytes", DataTypes.BinaryType)
            .add("floats", DataTypes.createArrayType(DataTypes.FloatType))
            .add("vector", org.apache.spark.ml.linalg.SQLDataTypes.VectorType());
    Dataset<Row> frame = TestData.frame(spark, rows, schema, 2);
    for (String column : List.of("bytes", "floats", "vector")) {
      CnnClassifierModel scorer = CnnClassifierModel.of(grey).setInputCol(column);
      assertScoresMatch(grey, images, byId(scorer.transform(frame)));
    }
  }

  @Test
  void topKListsTheBestClassesBestFirst() {
    byte[][] images = TestData.pixels(COUNT, 1, 4);
    Dataset<Row> frame = TestData.imageFrame(spark, images, 1, new int[COUNT], 1);
    CnnClassifierModel scorer = CnnClassifierModel.of(grey).setTopK(2);
    float[] p =
        grey.predict(ArrayDataset.of(COUNT).input(TestData.floats(images), 8, 8, 1)).values();
    for (Row row : scorer.transform(frame).collectAsList()) {
      int i = Integer.parseInt(row.<String>getAs("id").substring(2));
      List<Row> top = row.getList(row.fieldIndex("topK"));
      assertEquals(2, top.size());
      List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
      order.sort(Comparator.comparingDouble(c -> -p[i * 3 + c]));
      assertEquals(order.get(0), top.get(0).getInt(0));
      assertEquals(order.get(1), top.get(1).getInt(0));
      assertEquals(p[i * 3 + order.get(1)], top.get(1).getDouble(1), SAME);
      assertEquals(top.get(0).getInt(0), (int) row.getDouble(row.fieldIndex("prediction")));
    }
  }

  @Test
  void aCorruptRowFailsTheJobNamingTheRowAndWhatIsWrong() {
    Dataset<Row> frame = withWrongSizeImageAt(3);
    var e =
        assertThrows(
            SparkException.class, () -> CnnClassifierModel.of(grey).transform(frame).collect());
    CorruptRowException cause = causeOf(e);
    assertEquals("mem://bad (partition 0, row 3)", cause.row());
    assertEquals("image is 9x8x1, the model takes 8x8x1", cause.reason());
  }

  @Test
  void aCorruptRowIsSkippedCountedAndReportedWhenAsked() {
    Dataset<Row> frame = withWrongSizeImageAt(3);
    CnnClassifierModel scorer = CnnClassifierModel.of(grey).setOnCorruptRow("skip");
    List<Row> scored = scorer.transform(frame).collectAsList();
    assertEquals(COUNT - 1, scored.size());
    CorruptRows corrupt = scorer.corruptRows().orElseThrow();
    assertEquals(1, corrupt.count());
    assertEquals(
        List.of(
            "skipped corrupt row mem://bad (partition 0, row 3): image is 9x8x1, the model takes"
                + " 8x8x1"),
        corrupt.reports());
  }

  @Test
  void readsImageFilesThroughSparksImageSourceAndReportsAnUndecodableOne(@TempDir Path dir)
      throws Exception {
    byte[][] images = TestData.pixels(6, 1, 5);
    for (int i = 0; i < images.length; i++) {
      BufferedImage img =
          new BufferedImage(TestData.SIDE, TestData.SIDE, BufferedImage.TYPE_BYTE_GRAY);
      img.getRaster().setDataElements(0, 0, TestData.SIDE, TestData.SIDE, images[i]);
      ImageIO.write(img, "png", dir.resolve("id" + i + ".png").toFile());
    }
    Files.write(dir.resolve("broken.png"), new byte[] {1, 2, 3, 4});
    Dataset<Row> files =
        spark.read().format("image").load(dir.toString()).selectExpr("image", idFromFileName());
    CnnClassifierModel scorer = CnnClassifierModel.of(grey).setOnCorruptRow("skip");
    assertScoresMatch(grey, images, byId(scorer.transform(files)));
    List<String> reports = scorer.corruptRows().orElseThrow().reports();
    assertEquals(1, reports.size());
    assertTrue(
        reports
            .get(0)
            .matches(
                "skipped corrupt row file:.*/broken.png \\(partition \\d+, row \\d+\\):"
                    + " not a decodable image \\(Spark's image source could not read it\\)"),
        reports.get(0));
  }

  @Test
  void fitsAPipelineAsAStage() {
    byte[][] images = TestData.pixels(COUNT, 1, 6);
    Dataset<Row> frame = TestData.imageFrame(spark, images, 1, new int[COUNT], 2);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {CnnClassifierModel.of(grey)});
    PipelineModel fitted = pipeline.fit(frame);
    assertScoresMatch(grey, images, byId(fitted.transform(frame)));
  }

  @Test
  void anOutputColumnThatExistsIsRefusedBeforeAnyJob() {
    byte[][] images = TestData.pixels(2, 1, 7);
    Dataset<Row> frame = TestData.imageFrame(spark, images, 1, new int[2], 1);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CnnClassifierModel.of(grey).setOutputCol("label").transform(frame));
    assertEquals(
        "output column 'label' already exists; choose another name with its setter",
        e.getMessage());
  }

  // ---------------------------------------------------------------- helpers

  private static String idFromFileName() {
    return "regexp_extract(image.origin, '(id[0-9]+|broken)\\\\.png$', 1) as id";
  }

  private Dataset<Row> withWrongSizeImageAt(int row) {
    byte[][] images = TestData.pixels(COUNT, 1, 8);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      Row img =
          i == row
              ? TestData.imageStruct("mem://bad", 9, 8, 1, new byte[72])
              : TestData.imageStruct("mem://img" + i, 8, 8, 1, images[i]);
      rows.add(RowFactory.create(img, 0, "id" + i));
    }
    StructType schema =
        new StructType()
            .add("image", org.apache.spark.ml.image.ImageSchema.columnSchema(), true)
            .add("label", DataTypes.IntegerType, false)
            .add("id", DataTypes.StringType, false);
    return TestData.frame(spark, rows, schema, 1);
  }

  private static CorruptRowException causeOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CorruptRowException c) return c;
    }
    throw new AssertionError("no CorruptRowException in the causes of " + e, e);
  }

  private static Map<String, Row> byId(Dataset<Row> scored) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : scored.collectAsList()) out.put(r.getAs("id"), r);
    return out;
  }

  /** Each image's row holds the class the model's predict scores highest, and that score. */
  private static void assertScoresMatch(Model model, byte[][] images, Map<String, Row> scored) {
    int[] shape = model.inputShape().dims();
    float[] p =
        model
            .predict(ArrayDataset.of(images.length).input(TestData.floats(images), shape))
            .values();
    assertEquals(images.length, scored.size());
    for (int i = 0; i < images.length; i++) {
      Row row = scored.get("id" + i);
      int best = 0;
      for (int c = 1; c < 3; c++) if (p[i * 3 + c] > p[i * 3 + best]) best = c;
      assertEquals(best, row.getDouble(row.fieldIndex("prediction")), "row " + i);
      assertEquals(p[i * 3 + best], row.getDouble(row.fieldIndex("probability")), SAME, "row " + i);
    }
  }
}
