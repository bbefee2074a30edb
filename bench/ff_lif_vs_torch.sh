#!/bin/bash
# Side-by-side: snn4j bench ff-lif vs bench/torch_ff_lif.py (PyTorch in its fastest layout on this
# 2-core machine: torch 1 thread + OpenBLAS 2 threads), the Open Neuromorphic benchmark (one
# Linear(N, N) + LIF layer, T = 500, B = 16, forward + backward, loss = sum of outputs), one process
# per run, alternating. Appends JSON lines to $OUT (default bench/results/ff_lif_vs_torch.jsonl).
# Usage: bash bench/ff_lif_vs_torch.sh   (REPS=1, SIZES="512 1024 2048 4096" by default; quiet machine)
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/ff_lif_vs_torch.jsonl}
REPS=${REPS:-1}
SIZES=${SIZES:-"512 1024 2048 4096"}
mkdir -p "$(dirname "$OUT")"
for r in $(seq 1 "$REPS"); do
  for N in $SIZES; do
    echo "[$(date +%T)] N=$N T=500 B=16" >&2
    SNN4J_NO_BUILD=1 bin/snn4j bench ff-lif --neurons "$N" --steps 500 --batch 16 --threads 2 >> "$OUT"
    /usr/bin/python3 bench/torch_ff_lif.py --neurons "$N" --steps 500 --batch 16 --threads 1 --blas-threads 2 >> "$OUT"
  done
done
