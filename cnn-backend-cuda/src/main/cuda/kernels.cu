// The one translation unit of the cnn4j CUDA kernels: each op family lives in its own file and
// is included here, so nvcc builds one module (cnn4j.fatbin) that the backend loads once.
#include "memory.cu"
#include "elementwise.cu"
#include "gemm.cu"
#include "conv.cu"
#include "pool.cu"
#include "reduce.cu"
#include "batchnorm.cu"
#include "dropout.cu"
#include "optimizers.cu"
#include "strided.cu"
#include "resize.cu"
#include "layernorm.cu"
