package org.cnn4j.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.cnn4j.models.Model;

/**
 * Data-parallel training of a compiled cnn4j model on a DataFrame of samples and class indices, as
 * a Spark ML {@code Estimator}: {@link #fit} returns the trained model as a {@link
 * CnnClassifierModel} (a {@code Transformer}).
 *
 * <pre>{@code
 * Model net = lessonNetwork();
 * net.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
 * CnnClassifierModel trained = CnnClassifier.of(net)
 *     .setFeaturesCol("image").setLabelCol("label")
 *     .setBatchSize(128).setEpochs(2).setCheckpointPath("/shared/run1.cnn4j")
 *     .fit(train);
 * }</pre>
 *
 * <p><b>Synchronous SGD</b> (the default): each step the driver broadcasts its weights; each
 * partition computes the gradient of its share of the global batch ({@link BatchSchedule}: shares
 * in proportion to the partitions' sizes, about {@link #setBatchSize} rows in all), scaled so that
 * the shares' gradients add up to the batch's; {@code treeAggregate} sums them and the driver's
 * optimizer applies the sum, as {@code fit} applies one batch's gradient. So the algorithm is fit's
 * with the same global batch: with one partition it takes fit's batches and gives fit's weights
 * within float rounding. Layers that keep state in training (BatchNormalization's moving mean and
 * variance) update it from each partition's share and the driver takes the average weighted by
 * rows; the batch statistics used to normalise in training are each share's own, as in multi-device
 * Keras without synchronised batch normalisation.
 *
 * <p><b>Parameter averaging</b> ({@link #setLocalSteps} k &gt; 1) is a different algorithm: each
 * partition trains k steps on its own shares with its own copy of the optimizer (its share being
 * its local batch), then the driver averages the weights and optimizer slots, weighted by rows. One
 * job per k steps instead of per step, so less Spark overhead, but the partitions' models drift
 * apart between averagings: expect a lower accuracy per epoch as k grows. With SGD and k = 1 it is
 * synchronous SGD again.
 *
 * <p><b>Checkpoints</b> ({@link #setCheckpointPath}): the driver saves its model file (weights,
 * optimizer state, where the run stands) at the end of each epoch and every {@link
 * #setCheckpointInterval} steps. A fit whose checkpoint file exists resumes from it: the same
 * batches, seeds and optimizer state as the run that stopped, so the result is what the run would
 * have given.
 *
 * <p>Progress goes to {@link #setOutput} (System.out) as fit prints it.
 */
public final class CnnClassifier extends Estimator<CnnClassifierModel> {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final byte[] modelFile;
  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> idCol;
  private final DoubleParam rescale;
  private final Param<String> onCorruptRow;
  private final IntParam batchSize;
  private final IntParam epochs;
  private final LongParam seed;
  private final BooleanParam shuffle;
  private final IntParam localSteps;
  private final Param<String> checkpointPath;
  private final IntParam checkpointInterval;
  private final IntParam verbose;
  private transient PrintStream out = System.out;

  /**
   * A trainer starting from the compiled model in {@code modelFile}, a cnn4j model file's bytes.
   */
  public CnnClassifier(String uid, byte[] modelFile) {
    this.uid = uid;
    this.modelFile = modelFile.clone();
    featuresCol = new Param<>(this, "featuresCol", "the column of samples");
    labelCol = new Param<>(this, "labelCol", "the column of class indices");
    idCol = new Param<>(this, "idCol", "a column naming rows in reports (empty: none)");
    rescale = new DoubleParam(this, "rescale", "factor applied to byte pixels");
    onCorruptRow = new Param<>(this, "onCorruptRow", "fail or skip a row that cannot be decoded");
    batchSize = new IntParam(this, "batchSize", "the global batch size, over all partitions");
    epochs = new IntParam(this, "epochs", "epochs in all, counting a resumed checkpoint's");
    seed = new LongParam(this, "seed", "seed of the shuffling and dropout");
    shuffle = new BooleanParam(this, "shuffle", "shuffle each partition every epoch");
    localSteps = new IntParam(this, "localSteps", "1: synchronous SGD; k > 1: average every k");
    checkpointPath = new Param<>(this, "checkpointPath", "model file to checkpoint to and resume");
    checkpointInterval = new IntParam(this, "checkpointInterval", "steps between checkpoints");
    verbose = new IntParam(this, "verbose", "0 silent, 1 progress bar, 2 one line per epoch");
    setDefault(featuresCol, "image");
    setDefault(labelCol, "label");
    setDefault(idCol, "");
    setDefault(rescale, (Object) (1.0 / 255));
    setDefault(onCorruptRow, OnCorruptRow.FAIL.id());
    setDefault(batchSize, (Object) 32);
    setDefault(epochs, (Object) 1);
    setDefault(seed, (Object) 0L);
    setDefault(shuffle, (Object) true);
    setDefault(localSteps, (Object) 1);
    setDefault(checkpointPath, "");
    setDefault(checkpointInterval, (Object) 0);
    setDefault(verbose, (Object) 1);
  }

  /** A trainer starting from the compiled model in {@code modelFile}. */
  public CnnClassifier(byte[] modelFile) {
    this(Identifiable$.MODULE$.randomUID("cnn4jClassifier"), modelFile);
  }

  /** A trainer starting from {@code model} as it is now (compiled; it stays the caller's). */
  public static CnnClassifier of(Model model) {
    if (model.optimizer() == null) {
      throw new IllegalArgumentException(
          "model '" + model.name() + "' is not compiled: compile it (optimizer, loss) first");
    }
    return new CnnClassifier(ModelBytes.of(model));
  }

  /** A trainer starting from the compiled model file at {@code path}. */
  public static CnnClassifier load(Path path) throws IOException {
    return new CnnClassifier(Files.readAllBytes(path));
  }

  @Override
  public String uid() {
    return uid;
  }

  /** Where the progress line goes (System.out by default; not a Spark param). */
  public CnnClassifier setOutput(PrintStream stream) {
    this.out = stream;
    return this;
  }

  // ---------------------------------------------------------------- params

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> idCol() {
    return idCol;
  }

  public DoubleParam rescale() {
    return rescale;
  }

  public Param<String> onCorruptRow() {
    return onCorruptRow;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam epochs() {
    return epochs;
  }

  public LongParam seed() {
    return seed;
  }

  public BooleanParam shuffle() {
    return shuffle;
  }

  public IntParam localSteps() {
    return localSteps;
  }

  public Param<String> checkpointPath() {
    return checkpointPath;
  }

  public IntParam checkpointInterval() {
    return checkpointInterval;
  }

  public IntParam verbose() {
    return verbose;
  }

  public CnnClassifier setFeaturesCol(String column) {
    set(featuresCol, column);
    return this;
  }

  public CnnClassifier setLabelCol(String column) {
    set(labelCol, column);
    return this;
  }

  /** A column whose value names a row in corrupt-row reports (default: none). */
  public CnnClassifier setIdCol(String column) {
    set(idCol, column);
    return this;
  }

  /**
   * The factor byte pixels are multiplied by (default 1/255); float arrays are taken as they are.
   */
  public CnnClassifier setRescale(double factor) {
    if (!Double.isFinite(factor)) throw new IllegalArgumentException("rescale must be finite");
    set(rescale, (Object) factor);
    return this;
  }

  /** "fail" (the default) or "skip" ({@link OnCorruptRow}). */
  public CnnClassifier setOnCorruptRow(String policy) {
    set(onCorruptRow, OnCorruptRow.of(policy).id());
    return this;
  }

  /** The global batch size: rows per step over all partitions (default 32). */
  public CnnClassifier setBatchSize(int rows) {
    if (rows < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + rows);
    set(batchSize, (Object) rows);
    return this;
  }

  /** Epochs in all, counting those of a resumed checkpoint (default 1). */
  public CnnClassifier setEpochs(int count) {
    if (count < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + count);
    set(epochs, (Object) count);
    return this;
  }

  /** The seed of the shuffling and dropout (default 0), as fit's. */
  public CnnClassifier setSeed(long value) {
    set(seed, (Object) value);
    return this;
  }

  /** Whether each partition shuffles its samples every epoch (default true). */
  public CnnClassifier setShuffle(boolean on) {
    set(shuffle, (Object) on);
    return this;
  }

  /** 1 (the default): synchronous SGD; k &gt; 1: parameter averaging every k local steps. */
  public CnnClassifier setLocalSteps(int k) {
    if (k < 1) throw new IllegalArgumentException("localSteps must be >= 1, got " + k);
    set(localSteps, (Object) k);
    return this;
  }

  /**
   * The model file the driver checkpoints to (a path on the driver's file system) and resumes from
   * when it exists; empty (the default) for none.
   */
  public CnnClassifier setCheckpointPath(String path) {
    set(checkpointPath, path);
    return this;
  }

  /** Steps between checkpoints within an epoch; 0 (the default): at epoch ends only. */
  public CnnClassifier setCheckpointInterval(int steps) {
    if (steps < 0) throw new IllegalArgumentException("checkpointInterval must be >= 0");
    set(checkpointInterval, (Object) steps);
    return this;
  }

  /** 0 silent, 1 the progress bar (default), 2 one line per epoch, as fit's. */
  public CnnClassifier setVerbose(int level) {
    set(verbose, (Object) level);
    return this;
  }

  // ---------------------------------------------------------------- fit

  @Override
  public StructType transformSchema(StructType schema) {
    return scorer(modelFile).transformSchema(schema);
  }

  /**
   * Trains on {@code dataset} (its features and label columns) and returns the trained model as a
   * scorer reading the same column with the same rescale and corrupt-row policy. The driver holds
   * the model and its optimizer; the executors hold one model each and the cached samples.
   *
   * @throws CorruptRowException (as a Spark job failure's cause) for a corrupt row with "fail"
   */
  @Override
  public CnnClassifierModel fit(Dataset<?> dataset) {
    String checkpoint = $(checkpointPath);
    var settings =
        new DataParallelTraining.Settings(
            $(featuresCol),
            $(labelCol),
            $(idCol),
            (float) (double) (Double) $(rescale),
            OnCorruptRow.of($(onCorruptRow)),
            (Integer) $(batchSize),
            (Integer) $(epochs),
            (Long) $(seed),
            (Boolean) $(shuffle),
            (Integer) $(localSteps),
            checkpoint.isEmpty() ? null : Path.of(checkpoint),
            (Integer) $(checkpointInterval),
            (Integer) $(verbose),
            out);
    var result = new DataParallelTraining(settings).run(dataset.toDF(), modelFile);
    CnnClassifierModel trained = scorer(result.modelFile()).trainingSummary(result.summary());
    return trained.setParent(this);
  }

  private CnnClassifierModel scorer(byte[] file) {
    return new CnnClassifierModel(file)
        .setInputCol($(featuresCol))
        .setRescale((Double) $(rescale))
        .setOnCorruptRow($(onCorruptRow))
        .setIdCol($(idCol));
  }

  @Override
  public CnnClassifier copy(ParamMap extra) {
    return copyValues(new CnnClassifier(uid, modelFile), extra).setOutput(out);
  }
}
