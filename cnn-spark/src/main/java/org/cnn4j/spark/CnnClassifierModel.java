package org.cnn4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cnn4j.models.Model;

/**
 * Batch inference with a saved cnn4j model as a Spark ML {@code Transformer} (so it fits a {@code
 * Pipeline}): {@link #transform} appends to each row the class the model scores highest, its score
 * (the probability, for a softmax output) and, with {@link #setTopK}, the k best classes.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("image").load("hdfs:///photos");
 * CnnClassifierModel scorer = CnnClassifierModel.load(Path.of("fashion.cnn4j"))
 *     .setInputCol("image").setTopK(3);
 * scorer.transform(images).select("image.origin", "prediction", "probability", "topK")
 *     .write().parquet("hdfs:///predictions");
 * }</pre>
 *
 * <p>The input column is Spark's image struct, a binary column or an array of floats ({@link
 * SampleFormat}); byte pixels are multiplied by {@link #setRescale} (default 1/255, as {@code cnn4j
 * train} scales its data). Output columns: {@code prediction} (double, the class index, as Spark ML
 * classifiers write it), {@code probability} (double, its score) and {@code topK} (array of structs
 * {@code index}, {@code probability}, best first).
 *
 * <p>The model file's bytes are broadcast once per {@code transform}; each executor JVM loads the
 * model once, on the backend cnn4j picks there ({@code -Dcnn4j.backend} or {@code CNN4J_BACKEND} in
 * the executor's options and environment, else the best available), and scores its partitions in
 * batches of {@link #setBatchSize} rows, one task at a time (the backend's lanes use the cores).
 *
 * <p>A row whose sample cannot be decoded (wrong image size or channel count, an image Spark could
 * not read, a null) fails the job with a {@link CorruptRowException} naming it, or with {@link
 * #setOnCorruptRow}("skip") is left out, counted and logged ({@link #corruptRows()}).
 */
public final class CnnClassifierModel extends org.apache.spark.ml.Model<CnnClassifierModel> {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final byte[] modelFile;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> probabilityCol;
  private final Param<String> topKCol;
  private final IntParam topK;
  private final IntParam batchSize;
  private final DoubleParam rescale;
  private final Param<String> onCorruptRow;
  private final Param<String> idCol;
  private transient String modelKey;
  private transient CorruptRows lastCorruptRows;
  private transient TrainingSummary summary;

  /** A scorer for the model in {@code modelFile}, the bytes of a cnn4j model file. */
  public CnnClassifierModel(String uid, byte[] modelFile) {
    this.uid = uid;
    this.modelFile = modelFile.clone();
    inputCol = new Param<>(this, "inputCol", "the column of samples (image struct, binary, array)");
    outputCol = new Param<>(this, "outputCol", "the column of predicted class indices");
    probabilityCol =
        new Param<>(this, "probabilityCol", "the column of the predicted class' score");
    topKCol = new Param<>(this, "topKCol", "the column of the k best classes");
    topK = new IntParam(this, "topK", "how many best classes topKCol holds (0: no such column)");
    batchSize = new IntParam(this, "batchSize", "rows per model call on an executor");
    rescale = new DoubleParam(this, "rescale", "factor applied to byte pixels");
    onCorruptRow = new Param<>(this, "onCorruptRow", "fail or skip a row that cannot be decoded");
    idCol = new Param<>(this, "idCol", "a column naming rows in reports (empty: none)");
    setDefault(inputCol, "image");
    setDefault(outputCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(topKCol, "topK");
    setDefault(topK, (Object) 0);
    setDefault(batchSize, (Object) 256);
    setDefault(rescale, (Object) (1.0 / 255));
    setDefault(onCorruptRow, OnCorruptRow.FAIL.id());
    setDefault(idCol, "");
  }

  /** A scorer for the model in {@code modelFile}. */
  public CnnClassifierModel(byte[] modelFile) {
    this(Identifiable$.MODULE$.randomUID("cnn4jClassifierModel"), modelFile);
  }

  /** A scorer for the model file at {@code path} (read now, on the driver). */
  public static CnnClassifierModel load(Path path) throws IOException {
    return new CnnClassifierModel(Files.readAllBytes(path));
  }

  /** A scorer for {@code model} as it is now (its file's bytes; the model stays the caller's). */
  public static CnnClassifierModel of(Model model) {
    return new CnnClassifierModel(ModelBytes.of(model));
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The model file's bytes (a copy). */
  public byte[] modelFile() {
    return modelFile.clone();
  }

  /** Writes the model file to {@code path} (to load with {@code Models.load} or {@link #load}). */
  public void save(Path path) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.write(tmp, modelFile);
    Files.move(
        tmp,
        path,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** A new cnn4j model from the file, on this JVM's default backend; the caller closes it. */
  public Model newModel() {
    return ExecutorModels.load(modelFile);
  }

  // ---------------------------------------------------------------- params

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> topKCol() {
    return topKCol;
  }

  public IntParam topK() {
    return topK;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public DoubleParam rescale() {
    return rescale;
  }

  public Param<String> onCorruptRow() {
    return onCorruptRow;
  }

  public Param<String> idCol() {
    return idCol;
  }

  public String getInputCol() {
    return $(inputCol);
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  public String getProbabilityCol() {
    return $(probabilityCol);
  }

  public String getTopKCol() {
    return $(topKCol);
  }

  public int getTopK() {
    return (Integer) $(topK);
  }

  public int getBatchSize() {
    return (Integer) $(batchSize);
  }

  public double getRescale() {
    return (Double) $(rescale);
  }

  public OnCorruptRow getOnCorruptRow() {
    return OnCorruptRow.of($(onCorruptRow));
  }

  public String getIdCol() {
    return $(idCol);
  }

  public CnnClassifierModel setInputCol(String column) {
    set(inputCol, column);
    return this;
  }

  public CnnClassifierModel setOutputCol(String column) {
    set(outputCol, column);
    return this;
  }

  public CnnClassifierModel setProbabilityCol(String column) {
    set(probabilityCol, column);
    return this;
  }

  public CnnClassifierModel setTopKCol(String column) {
    set(topKCol, column);
    return this;
  }

  /** How many best classes the top-k column holds; 0 (the default) leaves the column out. */
  public CnnClassifierModel setTopK(int k) {
    if (k < 0) throw new IllegalArgumentException("topK must be >= 0, got " + k);
    set(topK, (Object) k);
    return this;
  }

  /** Rows per model call on an executor (default 256). */
  public CnnClassifierModel setBatchSize(int rows) {
    if (rows < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + rows);
    set(batchSize, (Object) rows);
    return this;
  }

  /**
   * The factor byte pixels are multiplied by (default 1/255); float arrays are taken as they are.
   */
  public CnnClassifierModel setRescale(double factor) {
    if (!Double.isFinite(factor)) throw new IllegalArgumentException("rescale must be finite");
    set(rescale, (Object) factor);
    return this;
  }

  /** "fail" (the default) or "skip" ({@link OnCorruptRow}). */
  public CnnClassifierModel setOnCorruptRow(String policy) {
    set(onCorruptRow, OnCorruptRow.of(policy).id());
    return this;
  }

  /** A column whose value names a row in corrupt-row reports (default: none). */
  public CnnClassifierModel setIdCol(String column) {
    set(idCol, column);
    return this;
  }

  // ---------------------------------------------------------------- transform

  /**
   * The rows left out as corrupt by the last {@link #transform}'s result, complete once an action
   * has computed it; empty before any transform.
   */
  public java.util.Optional<CorruptRows> corruptRows() {
    return java.util.Optional.ofNullable(lastCorruptRows);
  }

  /**
   * How the training that made this model went, when {@link CnnClassifier#fit} made it in this JVM.
   */
  public java.util.Optional<TrainingSummary> trainingSummary() {
    return java.util.Optional.ofNullable(summary);
  }

  CnnClassifierModel trainingSummary(TrainingSummary s) {
    this.summary = s;
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StructField input = field(schema, getInputCol());
    SampleFormat.of(input);
    if (!getIdCol().isEmpty()) field(schema, getIdCol());
    List<String> added =
        getTopK() > 0
            ? List.of(getOutputCol(), getProbabilityCol(), getTopKCol())
            : List.of(getOutputCol(), getProbabilityCol());
    for (String name : added) {
      if (List.of(schema.fieldNames()).contains(name)) {
        throw new IllegalArgumentException(
            "output column '" + name + "' already exists; choose another name with its setter");
      }
    }
    StructType out =
        schema
            .add(getOutputCol(), DataTypes.DoubleType, false)
            .add(getProbabilityCol(), DataTypes.DoubleType, false);
    if (getTopK() > 0) {
      StructType entry =
          new StructType()
              .add("index", DataTypes.IntegerType, false)
              .add("probability", DataTypes.DoubleType, false);
      out = out.add(getTopKCol(), DataTypes.createArrayType(entry, false), false);
    }
    return out;
  }

  private static StructField field(StructType schema, String name) {
    if (!List.of(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException(
          "no column '" + name + "'; the columns are " + List.of(schema.fieldNames()));
    }
    return schema.apply(name);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    SparkSession spark = dataset.sparkSession();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> file = jsc.broadcast(modelFile);
    int id = getIdCol().isEmpty() ? -1 : dataset.schema().fieldIndex(getIdCol());
    SampleDecoder decoder =
        new SampleDecoder(dataset.schema(), getInputCol(), id, (float) getRescale());
    CorruptRows corrupt = CorruptRows.register(spark.sparkContext(), getOnCorruptRow(), uid);
    lastCorruptRows = corrupt;
    PredictPartition scorer =
        new PredictPartition(key(), file, decoder, getBatchSize(), getTopK(), corrupt);
    return dataset.toDF().mapPartitions(scorer, Encoders.row(out));
  }

  private String key() {
    if (modelKey == null) modelKey = "predict:" + ModelBytes.digest(modelFile);
    return modelKey;
  }

  @Override
  public CnnClassifierModel copy(ParamMap extra) {
    CnnClassifierModel copy = copyValues(new CnnClassifierModel(uid, modelFile), extra);
    copy.summary = summary;
    return copy.setParent(parent());
  }
}
