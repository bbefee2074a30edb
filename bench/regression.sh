#!/usr/bin/env bash
# Every benchmark that has a peer, side by side in one run on a quiet machine, for the issue-12
# "must not regress" check: CUBA vs Brian2 (4 sizes, 3 reps, + cpp_standalone), exact-qif vs PyTorch
# (K = 1,000 and 10,000), sg-mlp vs PyTorch (6 configurations), ff-lif vs PyTorch (3 sizes), sg-cnn vs PyTorch, eRBP
# (no peer; >= 200 samples/s). Raw lines go to bench/results/regression-<date>/; summaries to stdout.
# Usage: bash bench/regression.sh     (builds once first; ~20 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
D=bench/results/regression-$(date +%Y-%m-%d)
mkdir -p "$D"
mvn -B -ntp -q -DskipTests package >&2
export SNN4J_NO_BUILD=1
echo "== cuba" >&2
/usr/bin/python3 bench/compare_cuba.py --sizes 1000,4000,16000,64000 --reps 3 --cpp --out "$D/cuba.jsonl" > "$D/cuba.md"
echo "== cuba N=4000 x10 (bimodality)" >&2
for i in $(seq 1 10); do bin/snn4j bench cuba --neurons 4000 --duration 1; done > "$D/cuba4000x10.jsonl"
echo "== exact-qif" >&2
sed "s|OUT=bench/results/exact_qif.jsonl|OUT=$D/exact_qif.jsonl|" bench/compare_exact_qif.sh > bench/.exact_qif_tmp.sh; bash bench/.exact_qif_tmp.sh > "$D/exact_qif.md"; rm -f bench/.exact_qif_tmp.sh
echo "== sg-mlp" >&2
OUT="$D/sg_vs_torch.jsonl" bash bench/sg_vs_torch.sh
/usr/bin/python3 bench/sg_summary.py "$D/sg_vs_torch.jsonl" > "$D/sg.md" || true
echo "== ff-lif" >&2
OUT="$D/ff_lif.jsonl" SIZES="512 1024 2048" bash bench/ff_lif_vs_torch.sh
/usr/bin/python3 bench/ff_lif_summary.py "$D/ff_lif.jsonl" > "$D/ff_lif.md" || true
echo "== sg-cnn" >&2
OUT="$D/sg_cnn_vs_torch.jsonl" bash bench/sg_cnn_vs_torch.sh > "$D/sg_cnn.md"
echo "== erbp" >&2
for v in plus times; do bin/snn4j bench erbp --hidden 200 --variant $v --samples 1500 --warmup 300; done > "$D/erbp.jsonl"
cat "$D"/*.md
