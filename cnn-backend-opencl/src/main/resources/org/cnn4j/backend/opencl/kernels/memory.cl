// Memory kernels. Indexing: one work item per element, i = get_global_id(0); the global size
// is rounded up to a multiple of the work-group size, so every kernel checks i < n. Offsets are
// in floats and passed as arguments, so no sub-buffer alignment rule applies.

__kernel void fill(__global float* buf, long off, long n, float value) {
  long i = get_global_id(0);
  if (i < n) buf[off + i] = value;
}
