package org.cnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.cnn4j.spi.BackendException;

/**
 * One lane's oneDNN state: its engine and stream, its scratch memory, and the primitives made for
 * it ({@link DnnlConvolutions}, {@link DnnlEltwise}, {@link DnnlPooling}, {@link DnnlBatchNorm}),
 * each made once per key and then only re-pointed at the caller's buffers. Runs are serialised on
 * the session, since its stream and scratch memory serve one primitive at a time.
 */
final class DnnlSession implements AutoCloseable {
  /** A primitive (or a pair run together) that a session keeps and runs on caller buffers. */
  interface Primitive {
    /** Runs on {@code buffers} (in the order the primitive was made with) and waits for it. */
    void run(dnnl_stream stream, DnnlScratchpad scratchpad, CpuBuffer... buffers);

    /** Frees its native objects. */
    void close();
  }

  private final dnnl_engine engine = new dnnl_engine();
  private final dnnl_stream stream = new dnnl_stream();
  private final DnnlScratchpad scratchpad = new DnnlScratchpad();
  private final Map<Object, Primitive> primitives = new HashMap<>();
  private final int ompThreads;
  private final boolean keepsKernelCopies;
  private boolean closed;

  /**
   * @param ompThreads how many OpenMP threads each call starts, set on the calling thread before it
   *     runs: 1 for a lane (and for a backend split into lanes), or 0 to leave OpenMP alone
   * @param keepsKernelCopies whether forward convolutions keep their kernels' blocked copies
   *     ({@link CpuBuffer#keptCopy}): a backend's own session, not a lane's
   */
  DnnlSession(int ompThreads, boolean keepsKernelCopies) {
    this.ompThreads = ompThreads;
    this.keepsKernelCopies = keepsKernelCopies;
    check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
    check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream");
  }

  dnnl_engine engine() {
    return engine;
  }

  boolean keepsKernelCopies() {
    return keepsKernelCopies;
  }

  /** OpenMP threads per call ({@link OpenMpThreads}), or 0 to leave them as the environment set. */
  int ompThreads() {
    return ompThreads;
  }

  /**
   * OpenMP threads for a pass over {@code floats} values (an activation, a batch normalisation):
   * one below a million, where waking a second thread costs more than the pass (MobileNetV2's
   * batch-1 latency rose from about 31 to 37 ms when its small batch normalisations took two).
   */
  int memoryBoundThreads(long floats) {
    return floats < 1 << 20 ? 1 : ompThreads;
  }

  /**
   * Runs the primitive kept under {@code key} (made by {@code create} on first use) on {@code
   * buffers}, with {@code threads} OpenMP threads.
   */
  synchronized void run(Object key, int threads, Supplier<Primitive> create, CpuBuffer... buffers) {
    if (closed) throw new IllegalStateException("the oneDNN session is closed");
    OpenMpThreads.useOnThisThread(threads);
    primitives.computeIfAbsent(key, k -> create.get()).run(stream, scratchpad, buffers);
  }

  /** A plain {@code f32} memory descriptor of {@code dims} in layout {@code tag}. */
  static dnnl_memory_desc desc(int tag, long... dims) {
    dnnl_memory_desc md = new dnnl_memory_desc();
    check(dnnl_memory_desc_create_with_tag(md, dims.length, dims, dnnl_f32, tag), "memory_desc");
    return md;
  }

  /** A oneDNN {@code *_primitive_desc_create} call, writing the descriptor into {@code pd}. */
  @FunctionalInterface
  interface DescriptorCall {
    int create(dnnl_primitive_desc pd, dnnl_primitive_attr attr);
  }

  /**
   * The primitive descriptor {@code call} makes with {@link #userScratchpadAttr()}'s attributes
   * (which it may add to, e.g. post-ops), or a {@link BackendException} naming {@code what}.
   */
  static dnnl_primitive_desc describe(String what, DescriptorCall call) {
    dnnl_primitive_attr attr = userScratchpadAttr();
    try {
      dnnl_primitive_desc pd = new dnnl_primitive_desc();
      check(call.create(pd, attr), what);
      return pd;
    } finally {
      dnnl_primitive_attr_destroy(attr);
    }
  }

  /**
   * Attributes for every primitive made here: oneDNN's user scratchpad mode, with the session's own
   * scratch memory. In library mode some implementations (the GEMM-based convolution oneDNN picks
   * for one input channel or dilation) share one global scratchpad, made by the thread that created
   * the primitive, and oneDNN's primitive cache hands the same primitive to every lane of the same
   * geometry: two lanes then ran im2col into one buffer at once (wrong sums, and a SIGSEGV once the
   * buffer was regrown). A session serves one lane, whose calls are serial, so one growing buffer
   * is enough.
   */
  private static dnnl_primitive_attr userScratchpadAttr() {
    dnnl_primitive_attr attr = new dnnl_primitive_attr();
    check(dnnl_primitive_attr_create(attr), "attr");
    check(
        dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user),
        "scratchpad_mode");
    return attr;
  }

  /**
   * The name of the implementation oneDNN chose (e.g. {@code jit:avx512_core}, {@code
   * jit_dw:avx512_core}, or {@code ref:any} for its slow reference loops), for the debug log: the
   * cheapest way to see that a geometry reaches a fast kernel.
   */
  static String implementation(dnnl_primitive_desc pd) {
    try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
      if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name) != dnnl_success) {
        return "?";
      }
      return name.getString(0);
    }
  }

  /** Throws when a oneDNN call did not succeed. */
  static void check(int status, String what) {
    if (status != dnnl_success) {
      throw new BackendException(
          "cpu", "oneDNN " + what, "dnnl_status " + status, "oneDNN call failed", null);
    }
  }

  /** Destroys every primitive, the stream and the engine; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    primitives.values().forEach(Primitive::close);
    primitives.clear();
    scratchpad.close();
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(engine);
  }
}
