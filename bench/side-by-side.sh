#!/usr/bin/env bash
# Runs cnn4j and a peer framework alternately (A B A B ...) on one workload and prints the
# medians and their ratio, as ../shared/BENCHMARKS.md asks (these machines are shared and noisy).
#
#   bench/side-by-side.sh W1 tf 3        # workload (W1-128: W1 at batch 128), peer (tf | djl), rounds
#   bench/side-by-side.sh W1 /tmp/base 3 # peer: another cnn4j checkout (e.g. the previous commit,
#                                        # `git worktree add --detach /tmp/base REV`), its ./cnn4j
#
# The peers are the programs of ../shared/peers, built once into $PEERS (default /tmp/peers, a
# writable copy: shared/ is read-only). cnn4j runs through ./cnn4j bench with the same windows.
# Each run's peak resident memory is the whole process's, measured alike by GNU time
# (/usr/bin/time, as ../shared/peers/run.sh does), and compared too (lower is better).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
wl=${1:-W1}; peer=${2:-tf}; rounds=${3:-3}
PEERS=${PEERS:-/tmp/peers}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
if [ -d "$peer" ] || [ -f "$PEERS/tfjava/target/classpath.txt" ]; then :; else
  rm -rf "$PEERS"; cp -r "$root/../shared/peers" "$PEERS"; chmod -R u+w "$PEERS"
  (cd "$PEERS" && mvn -B -q package -DskipTests -pl tfjava,djl -am)
fi
case $wl in
  W1) args="wl=W1 bs=32 win=100 skip=100 epochs=1 data=$DATA"; ours="--workload W1 --batch 32 --window 100 --skip 100 --max-steps 1000" ;;
  W1-128) args="wl=W1 bs=128 win=25 skip=25 epochs=1 data=$DATA"; ours="--workload W1 --batch 128 --window 25 --skip 25 --max-steps 250" ;;
  W2) args="wl=W2 bs=32 win=20 skip=20 epochs=1"; ours="--workload W2 --batch 32 --window 20 --skip 20" ;;
  W3) args="wl=W3 bs=32 win=4 skip=4 epochs=1 inferBs=64 nInfer=256 inferReps=3 maxSteps=16"; ours="--workload W3 --batch 32 --window 4 --skip 4 --max-steps 16 --infer-reps 3" ;;
  W4) args="wl=W4 bs=32 win=2 skip=2 maxSteps=8"; ours="--model resnet50 --batch 32 --window 2 --skip 2 --max-steps 8" ;;
  W5) args="wl=W5 bs=32 win=4 skip=4 maxSteps=8 epochs=2"; ours="--model mobilenet_v2 --batch 32 --window 4 --skip 4 --max-steps 8 --epochs 2" ;;
  *) echo "workload must be W1, W1-128 (batch 128), W2, W3, W4 or W5" >&2; exit 2 ;;
esac
case $peer in
  */*) [ -x "$peer/cnn4j" ] || { echo "$peer has no cnn4j launcher" >&2; exit 2; } ;;
  tf) pcp="$PEERS/tfjava/target/tfjava-1.0.jar:$(cat "$PEERS/tfjava/target/classpath.txt")"; pmain=peers.tfjava.TfBench; popt="" ;;
  djl) pcp="$PEERS/djl/target/djl-1.0.jar:$(cat "$PEERS/djl/target/classpath.txt")"; pmain=peers.djl.DjlBench; popt="-Dai.djl.offline=true" ;;
  *) echo "peer must be tf or djl" >&2; exit 2 ;;
esac
out=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  # shellcheck disable=SC2086
  if [ -d "$peer" ]; then
    /usr/bin/time -f "RESULT metric=max_rss_mb value=%M" -o "$out/peer.$r.rss" \
      "$peer/cnn4j" bench $ours > "$out/peer.$r" 2>&1 || true
  else
    /usr/bin/time -f "RESULT metric=max_rss_mb value=%M" -o "$out/peer.$r.rss" \
      java $popt -cp "$pcp" $pmain $args > "$out/peer.$r" 2>&1 || true
  fi
  # shellcheck disable=SC2086
  /usr/bin/time -f "RESULT metric=max_rss_mb value=%M" -o "$out/ours.$r.rss" \
    "$root/cnn4j" bench $ours > "$out/ours.$r" 2>&1 || true
  # GNU time reports kilobytes.
  for f in "$out/peer.$r" "$out/ours.$r"; do
    awk '/max_rss_mb/ {sub(/value=/, "", $3); printf "RESULT metric=max_rss_mb value=%d\n", $3 / 1024}' \
      "$f.rss" >> "$f"
  done
  grep -h "metric=train_img_s\|metric=infer_img_s\|metric=latency\|metric=max_rss" "$out/peer.$r" "$out/ours.$r" | sed 's/ windows=.*//; s/ min=.*//' >&2
done
python3 - "$out" "$rounds" "$wl" "$peer" <<'PY'
import os, re, statistics, sys
out, rounds, wl, peer = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def values(prefix, metric):
    v = []
    for r in range(1, rounds + 1):
        for line in open(f"{out}/{prefix}.{r}"):
            if f"metric={metric} " in line:
                v.append(float(re.search(r"value=([0-9.]+)", line).group(1)))
    return v
# The batch-1 latency (W4, W5) is named differently by the peers and by cnn4j; lower is better.
for metric, peer_metric in (("train_img_s", "train_img_s"), ("infer_img_s", "infer_img_s"),
                            ("latency_ms_batch1", "latency_b1_ms"), ("max_rss_mb", "max_rss_mb")):
    a = values("ours", metric)
    b = values("peer", metric if os.path.isdir(peer) else peer_metric)
    if a and b:
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{wl} {metric}: cnn4j {ma:.1f} (runs {[round(x) for x in a]}) vs {peer} {mb:.1f} (runs {[round(x) for x in b]}): ratio {ma / mb:.2f}")
PY
