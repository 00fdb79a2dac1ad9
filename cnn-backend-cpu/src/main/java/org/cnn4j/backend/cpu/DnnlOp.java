package org.cnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.cnn4j.backend.cpu.DnnlSession.check;
import static org.cnn4j.backend.cpu.DnnlSession.describe;
import static org.cnn4j.backend.cpu.DnnlSession.implementation;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A primitive with one memory object per argument, re-pointed at the caller's buffers each run.
 * Where the primitive chose another layout than the caller's (blocked weights), the argument gets a
 * buffer of its own and a reorder: before the run for inputs, after it for outputs. One input (a
 * forward convolution's kernel) may instead be reordered into a copy kept with the caller's buffer
 * ({@link CpuBuffer#keptCopy}), and then only when the buffer changed.
 */
final class DnnlOp implements DnnlSession.Primitive {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DnnlOp.class);
  private final dnnl_primitive primitive = new dnnl_primitive();
  private final dnnl_primitive_desc pd;
  private final dnnl_memory[] user;
  private final Reorder[] reorders;
  private final DnnlScratchpad.Arg scratch;
  private final dnnl_exec_arg_t args;
  private final int count;
  private final DnnlSession session;
  private final int keptInput;

  /**
   * @param pd the primitive's descriptor, owned (destroyed) by this op from now on
   * @param argIds oneDNN's argument ids, in the order {@link #run} takes the buffers
   * @param plain each argument's layout in the caller's buffers (destroyed here)
   * @param output which arguments the primitive writes
   * @param session the session that runs this op, which must serialise its runs when {@code
   *     keptInput} is set
   * @param keptInput the input whose reorder is kept with the caller's buffer, or -1 for none
   */
  DnnlOp(
      dnnl_primitive_desc pd,
      int[] argIds,
      dnnl_memory_desc[] plain,
      boolean[] output,
      DnnlSession session,
      int keptInput) {
    this.pd = pd;
    this.count = argIds.length;
    this.session = session;
    this.keptInput = keptInput;
    dnnl_engine engine = session.engine();
    if (LOG.isDebugEnabled()) LOG.debug("oneDNN primitive: {}", implementation(pd));
    check(dnnl_primitive_create(primitive, pd), "primitive");
    user = new dnnl_memory[count];
    reorders = new Reorder[count];
    scratch = DnnlScratchpad.Arg.of(pd, engine);
    args = new dnnl_exec_arg_t(count + 1);
    for (int i = 0; i < count; i++) {
      user[i] = new dnnl_memory();
      check(dnnl_memory_create(user[i], plain[i], engine, null), "memory");
      dnnl_memory_desc chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, argIds[i]);
      dnnl_memory arg = user[i];
      if (chosen != null && !chosen.isNull() && dnnl_memory_desc_equal(chosen, plain[i]) == 0) {
        reorders[i] = new Reorder(plain[i], chosen, output[i], engine);
        arg = reorders[i].inner;
      }
      dnnl_memory_desc_destroy(plain[i]);
      args.getPointer(i).arg(argIds[i]).memory(arg);
    }
    if (scratch != null) args.getPointer(count).arg(DNNL_ARG_SCRATCHPAD).memory(scratch.memory);
  }

  @Override
  public void run(dnnl_stream stream, DnnlScratchpad scratchpad, CpuBuffer... buffers) {
    for (int i = 0; i < buffers.length; i++) {
      check(dnnl_memory_set_data_handle(user[i], buffers[i].pointer), "set_data_handle");
    }
    for (int i = 0; i < count; i++) {
      if (reorders[i] == null || reorders[i].output) continue;
      if (i == keptInput) {
        reorderKept(stream, scratchpad, buffers[i], i);
      } else {
        reorders[i].run(stream, user[i], scratchpad);
      }
    }
    if (scratch != null) scratch.point(scratchpad);
    check(
        dnnl_primitive_execute(primitive, stream, scratch == null ? count : count + 1, args),
        "execute");
    for (int i = 0; i < count; i++) {
      if (reorders[i] != null && reorders[i].output) reorders[i].run(stream, user[i], scratchpad);
    }
    check(dnnl_stream_wait(stream), "stream_wait");
  }

  /** Points input {@code i} at its kept copy, reordering into it only when the buffer changed. */
  private void reorderKept(dnnl_stream stream, DnnlScratchpad scratchpad, CpuBuffer buffer, int i) {
    Reorder r = reorders[i];
    CpuBuffer.Kept kept = buffer.keptCopy(session, r, r.storage.capacity());
    r.point(kept.storage() == null ? r.storage : kept.storage().pointer);
    if (!kept.current()) r.run(stream, user[i], scratchpad);
  }

  @Override
  public void close() {
    for (int i = 0; i < count; i++) {
      dnnl_memory_destroy(user[i]);
      if (reorders[i] != null) reorders[i].close();
    }
    if (scratch != null) scratch.close();
    dnnl_primitive_destroy(primitive);
    dnnl_primitive_desc_destroy(pd);
  }

  /**
   * An argument in oneDNN's own layout: its buffer, and the reorder between it and the caller's.
   */
  private static final class Reorder {
    final boolean output;
    final dnnl_memory inner = new dnnl_memory();
    final BytePointer storage;
    final dnnl_primitive primitive = new dnnl_primitive();
    final dnnl_primitive_desc pd;
    final dnnl_exec_arg_t args = new dnnl_exec_arg_t(3);
    final DnnlScratchpad.Arg scratch;

    Reorder(dnnl_memory_desc plain, dnnl_memory_desc chosen, boolean output, dnnl_engine engine) {
      this.output = output;
      storage = new BytePointer(dnnl_memory_desc_get_size(chosen));
      check(dnnl_memory_create(inner, chosen, engine, storage), "memory");
      pd =
          describe(
              "reorder",
              (out, attr) ->
                  output
                      ? dnnl_reorder_primitive_desc_create(out, chosen, engine, plain, engine, attr)
                      : dnnl_reorder_primitive_desc_create(
                          out, plain, engine, chosen, engine, attr));
      check(dnnl_primitive_create(primitive, pd), "reorder primitive");
      scratch = DnnlScratchpad.Arg.of(pd, engine);
      if (scratch != null) args.getPointer(2).arg(DNNL_ARG_SCRATCHPAD).memory(scratch.memory);
    }

    /** Makes {@code memory} (this reorder's storage, or a kept copy) the inner buffer. */
    void point(Pointer memory) {
      check(dnnl_memory_set_data_handle(inner, memory), "set_data_handle");
    }

    void run(dnnl_stream stream, dnnl_memory userMemory, DnnlScratchpad scratchpad) {
      args.getPointer(0).arg(DNNL_ARG_FROM).memory(output ? inner : userMemory);
      args.getPointer(1).arg(DNNL_ARG_TO).memory(output ? userMemory : inner);
      if (scratch != null) scratch.point(scratchpad);
      check(dnnl_primitive_execute(primitive, stream, scratch == null ? 2 : 3, args), "reorder");
    }

    void close() {
      if (scratch != null) scratch.close();
      dnnl_primitive_destroy(primitive);
      dnnl_primitive_desc_destroy(pd);
      dnnl_memory_destroy(inner);
      storage.close();
    }
  }
}
