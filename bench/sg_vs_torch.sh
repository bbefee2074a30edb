#!/bin/bash
# Side-by-side: snn4j bench sg-mlp vs ../shared/peers/torch_sg_mlp.py (PyTorch in its fastest layout on
# this 2-core machine: torch 1 thread + OpenBLAS 2 threads), same workload, loss ce_count, one process
# per run, alternating. Appends JSON lines to $OUT (default bench/results/sg_vs_torch.jsonl).
# Usage: flock /tmp/snn4j-build.lock bench/sg_vs_torch.sh   (REPS=1 by default)
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/sg_vs_torch.jsonl}
REPS=${REPS:-1}
PEER=${PEER:-/work/shared/peers/torch_sg_mlp.py}
mkdir -p "$(dirname "$OUT")"
configs=${CONFIGS:-"256:25:128:random 1000:25:128:random 256:100:128:random 256:25:128:fashion-mnist 1000:25:128:fashion-mnist 256:400:128:random"}
for r in $(seq 1 "$REPS"); do
  for c in $configs; do
    IFS=: read -r H T B D <<< "$c"
    echo "[$(date +%T)] H=$H T=$T B=$B data=$D" >&2
    SNN4J_NO_BUILD=1 bin/snn4j bench sg-mlp --hidden "$H" --steps "$T" --batch "$B" --threads 2 --data "$D" >> "$OUT"
    /usr/bin/python3 "$PEER" --hidden "$H" --steps "$T" --batch "$B" --threads 1 --blas-threads 2 --loss ce_count --data "$D" >> "$OUT"
  done
done
