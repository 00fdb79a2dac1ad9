#!/usr/bin/env bash
# The CUDA backend's GPU check in one command, from the repository root of a GPU machine:
#   cnn-backend-cuda/gpu/run.sh [bundle-dir]
# The bundle is built on a machine with Maven by cnn-backend-cuda/gpu/prepare.sh (carry
# cnn-backend-cuda/target/gpu-bundle). Steps: prove the GPU is live, `cnn4j backends`, the whole
# conformance suite with -Dcnn4j.conformance.require=cuda (again with the own GEMM when cuBLAS
# was active), then W1/W2/W3 training and inference through cnn4j and PyTorch, one after the
# other per workload. Results: RESULT lines on stdout; JUnit XML under $OUT/junit.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=$(cd "${1:-cnn-backend-cuda/target/gpu-bundle}" && pwd)
OUT=${OUT:-/tmp/cnn4j-gpu}
mkdir -p "$OUT"
status=0

if command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
  JAVA=java
else
  [[ -x "$OUT/jre/bin/java" ]] || tar -xJf "$B/jre.tar.xz" -C "$OUT"
  JAVA="$OUT/jre/bin/java"
fi
"$JAVA" -version 2>&1 | head -1

echo "== GPU"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || status=1

# JCublas 12.6 needs libcublas.so.12: PyTorch's CUDA 12 wheels ship it (nvidia/cublas/lib).
CUBLAS12=$(python3 -c 'import glob,site,os; d=[os.path.dirname(p) for s in site.getsitepackages() for p in glob.glob(s+"/nvidia/**/libcublas.so.12",recursive=True)]; print(d[0] if d else "")' 2>/dev/null)
[[ -n "$CUBLAS12" ]] && export LD_LIBRARY_PATH="$CUBLAS12:${LD_LIBRARY_PATH:-}"
echo "libcublas.so.12: ${CUBLAS12:-not found (own GEMM kernel only)}"

CP=$(ls "$B"/lib/*.jar | grep -v console-standalone | tr '\n' ':')
CONSOLE=$(ls "$B"/lib/junit-platform-console-standalone-*.jar)
JOPTS=(-Xmx8g -Dcnn4j.datasets="$B/datasets")

echo "== backends"
"$JAVA" "${JOPTS[@]}" -cp "$CP" org.cnn4j.examples.Cnn4j backends | tee "$OUT/backends.txt"

conformance() { # $1: report name, rest: extra JVM options
  local name=$1; shift
  echo "== conformance ($name)"
  "$JAVA" "${JOPTS[@]}" -Dcnn4j.conformance.require=cuda "$@" -jar "$CONSOLE" execute -cp "$CP" \
    --scan-classpath "$B/lib/cnn-backend-cuda-tests.jar" --disable-banner --details=summary --details-theme=ascii \
    --reports-dir "$OUT/junit-$name" 2>&1 | tail -40 || status=1
}
conformance default
if grep -q 'gemm .*cuBLAS' "$OUT/backends.txt"; then conformance own-gemm -Dcnn4j.cuda.gemm=own; fi

bench() { # workload batch window max-steps
  timeout 300 "$JAVA" "${JOPTS[@]}" -cp "$CP" org.cnn4j.examples.Cnn4j bench --backend cuda \
    --workload "$1" --batch "$2" --window "$3" --max-steps "$4" 2>&1 | grep -E 'RESULT|cnn4j:|Error|error' || status=1
  timeout 300 python3 cnn-backend-cuda/gpu/pytorch_bench.py --workload "$1" --batch "$2" --window "$3" \
    --max-steps "$4" --datasets "$B/datasets" 2>&1 | grep -E 'RESULT|cnn4j:|Error|error' || status=1
}
echo "== benchmarks"
bench W1 32 100 1000
bench W1 128 50 400
bench W2 32 20 200
bench W3 32 4 40
exit $status
