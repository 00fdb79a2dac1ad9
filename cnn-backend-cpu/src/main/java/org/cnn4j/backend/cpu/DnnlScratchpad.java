package org.cnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.cnn4j.backend.cpu.DnnlSession.check;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/** The scratch memory of one {@link DnnlSession}, grown to the largest a primitive asked for. */
final class DnnlScratchpad {
  private static final long ALIGNMENT = 4096;
  private BytePointer storage;
  private long capacity;

  /** At least {@code bytes} of scratch memory, aligned to a page. */
  Pointer reserve(long bytes) {
    if (bytes > capacity) {
      if (storage != null) storage.close();
      storage = new BytePointer(bytes + ALIGNMENT);
      capacity = bytes;
      storage.position((-storage.address()) & (ALIGNMENT - 1));
    }
    return storage;
  }

  void close() {
    if (storage != null) storage.close();
    storage = null;
    capacity = 0;
  }

  /** A primitive's scratchpad argument: a memory object pointed at the scratchpad each run. */
  static final class Arg {
    final dnnl_memory memory = new dnnl_memory();
    final long bytes;

    private Arg(dnnl_memory_desc md, long bytes, dnnl_engine engine) {
      this.bytes = bytes;
      check(dnnl_memory_create(memory, md, engine, null), "memory");
    }

    /** The scratchpad argument {@code pd} needs, or null when it needs none. */
    static Arg of(dnnl_primitive_desc pd, dnnl_engine engine) {
      dnnl_memory_desc md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
      long bytes = md == null || md.isNull() ? 0 : dnnl_memory_desc_get_size(md);
      return bytes == 0 ? null : new Arg(md, bytes, engine);
    }

    void point(DnnlScratchpad scratchpad) {
      check(dnnl_memory_set_data_handle(memory, scratchpad.reserve(bytes)), "set_data_handle");
    }

    void close() {
      dnnl_memory_destroy(memory);
    }
  }
}
