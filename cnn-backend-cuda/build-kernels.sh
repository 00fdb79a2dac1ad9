#!/usr/bin/env bash
# Compiles src/main/cuda/kernels.cu into ONE fatbin resource of the jar (INCLUDE: the folder of
# scalar_ops.h, the scalar functions shared with the OpenCL backend's kernel sources):
#   $OUT/org/cnn4j/backend/cuda/kernels/cnn4j.fatbin  (SASS for every target below, plus PTX)
#   $OUT/org/cnn4j/backend/cuda/kernels/kernels.properties  (what was built, read by the probe)
# Without nvcc it writes only kernels.properties with built=false and exits 0, so the build
# still succeeds and the probe can say the jar was built without kernels.
#
# Speed: the front end (cicc) runs once per virtual architecture, not once per GPU: SASS for
# sm_75..sm_89 is assembled from compute_75 PTX, SASS for sm_90 and newer from compute_90 PTX
# (none of the kernels use features newer than their PTX target), and the ptxas runs go in
# parallel. The PTX embedded for JIT is compute_90's, so any GPU newer than the listed SASS
# targets (sm_103, sm_110, sm_121, ...) still runs.
set -euo pipefail
SRC=${1:?source dir}
OUT=${2:?output dir}
INCLUDE=${3:?include dir (scalar_ops.h)}
DEST="$OUT/org/cnn4j/backend/cuda/kernels"
WORK="$(dirname "$OUT")/cuda-build"
mkdir -p "$DEST" "$WORK"
PROPS="$DEST/kernels.properties"

NVCC=${NVCC:-$(command -v nvcc || true)}
if [[ -z "$NVCC" && -x /usr/local/cuda/bin/nvcc ]]; then NVCC=/usr/local/cuda/bin/nvcc; fi
if [[ -z "$NVCC" ]]; then
  rm -f "$DEST/cnn4j.fatbin"
  printf 'built=false\nreason=nvcc was not on PATH when this jar was built\n' > "$PROPS"
  echo "cnn4j-cuda: nvcc not found: the jar is built WITHOUT CUDA kernels" >&2
  exit 0
fi
BIN=$(dirname "$(readlink -f "$NVCC")")
# nvcc may be a wrapper script: take ptxas and fatbinary from the toolkit it runs.
REAL_NVCC=$(sed -n 's/^exec \([^ ]*nvcc\) .*/\1/p' "$NVCC" 2>/dev/null | head -1 || true)
[[ -n "$REAL_NVCC" ]] && BIN=$(dirname "$REAL_NVCC")
PTXAS="$BIN/ptxas"; FATBINARY="$BIN/fatbinary"
[[ -x "$PTXAS" ]] || PTXAS=$(command -v ptxas)
[[ -x "$FATBINARY" ]] || FATBINARY=$(command -v fatbinary)

LOW_SASS="75 80 86 89"   # from compute_75 PTX
HIGH_SASS="90 100 120"   # from compute_90 PTX
PTX_ARCH=90              # embedded for JIT on newer GPUs
# Keep only targets this nvcc knows (older toolkits lack sm_100/sm_120).
KNOWN=" $("$NVCC" --list-gpu-code | sed 's/sm_//' | tr '\n' ' ') "
filter() { for a in "$@"; do [[ "$KNOWN" == *" $a "* ]] && printf '%s ' "$a"; done; }
LOW_SASS=$(filter $LOW_SASS); HIGH_SASS=$(filter $HIGH_SASS)

# Up to date: the fatbin is newer than every source, the shared header and this script (repeat
# builds skip nvcc).
if [[ -f "$DEST/cnn4j.fatbin" && -f "$PROPS" ]] && grep -q '^built=true' "$PROPS" \
   && [[ -z "$(find "$SRC" "$INCLUDE/scalar_ops.h" "$0" -newer "$DEST/cnn4j.fatbin" -print -quit)" ]]; then
  echo "cnn4j-cuda: cnn4j.fatbin is up to date"
  exit 0
fi
start=$(date +%s.%N)
FLAGS=(-O3 -std=c++17 -Xptxas -O3 -I "$INCLUDE")
"$NVCC" "${FLAGS[@]}" -ptx -arch=compute_75 -o "$WORK/k75.ptx" "$SRC/kernels.cu" &
p1=$!
"$NVCC" "${FLAGS[@]}" -ptx -arch=compute_$PTX_ARCH -o "$WORK/k$PTX_ARCH.ptx" "$SRC/kernels.cu" &
p2=$!
wait $p1; wait $p2
jobs=()
for a in $LOW_SASS; do echo "75 $a"; done > "$WORK/targets"
for a in $HIGH_SASS; do echo "$PTX_ARCH $a"; done >> "$WORK/targets"
xargs -P "$(nproc)" -L 1 sh -c '"$0" -O3 -arch=sm_$2 -o "$1/sm_$2.cubin" "$1/k$3.ptx"' \
  "$PTXAS" "$WORK" < <(awk '{print $2, $1}' "$WORK/targets")
images=()
for a in $LOW_SASS $HIGH_SASS; do images+=("--image3=kind=elf,sm=$a,file=$WORK/sm_$a.cubin"); done
images+=("--image3=kind=ptx,sm=$PTX_ARCH,file=$WORK/k$PTX_ARCH.ptx")
# Uncompressed, so the PTX's entry names stay readable to the tests (and it is ~1 MB anyway).
"$FATBINARY" --64 --compress=false --create="$DEST/cnn4j.fatbin" "${images[@]}"
end=$(date +%s.%N)
version=$("$NVCC" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')
ptxisa=$(sed -n 's/^\.version \([0-9.]*\).*/\1/p' "$WORK/k$PTX_ARCH.ptx" | head -1)
entries=$(sed -n 's/^\.visible \.entry \([A-Za-z0-9_]*\)(.*/\1/p' "$WORK/k$PTX_ARCH.ptx" | sort | tr '\n' ',' | sed 's/,$//')
{
  echo "built=true"
  echo "nvcc=$version"
  echo "ptxIsa=$ptxisa"
  echo "sass=$(echo $LOW_SASS $HIGH_SASS | sed 's/\([0-9]*\)/sm_\1/g; s/ /,/g')"
  echo "ptx=compute_$PTX_ARCH"
  # cuDriverGetVersion() value needed: nvcc 13.x output (PTX ISA 9.0) needs driver R580+ (13000).
  echo "minDriver=$(echo "$version" | awk -F. '{print $1 * 1000 + $2 * 10}')"
  echo "kernels=$entries"
} > "$PROPS"
printf 'cnn4j-cuda: built cnn4j.fatbin (%s bytes; SASS %s + PTX compute_%s) in %.1f s\n' \
  "$(stat -c %s "$DEST/cnn4j.fatbin")" "$(echo $LOW_SASS $HIGH_SASS)" "$PTX_ARCH" \
  "$(echo "$end - $start" | bc)"
