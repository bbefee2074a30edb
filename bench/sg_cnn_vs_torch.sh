#!/bin/bash
# Issue 14: snn4j bench sg-cnn against ../shared/peers/torch_sg_cnn.py (snnTorch tutorial 6: 12C5-MP2-64C5-MP2-10,
# T = 25, B = 128, direct coding, CE on spike counts, Adam 1e-3), random and Fashion-MNIST input, side by side in one
# run; PyTorch at 2 and 1 threads (its faster one is the reference). Raw lines to $OUT, a Markdown table to stdout.
# Usage: bash bench/sg_cnn_vs_torch.sh     (env: OUT=bench/results/sg_cnn_vs_torch.jsonl ITERS=10; quiet machine)
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/sg_cnn_vs_torch.jsonl}
ITERS=${ITERS:-10}
PEER=../shared/peers/torch_sg_cnn.py
: > "$OUT"
for data in random fashion-mnist; do
  bin/snn4j bench sg-cnn --data $data --iters "$ITERS" 2>/dev/null >> "$OUT"
  for th in 2 1; do /usr/bin/python3 $PEER --steps 25 --batch 128 --threads $th --iters "$ITERS" --data $data 2>/dev/null >> "$OUT"; done
done
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print('| data | snn4j train/s | PyTorch train/s (2 thr / 1 thr) | ratio | snn4j infer/s | PyTorch infer/s (2 / 1) | ratio | peak RSS MB snn4j / PyTorch | ratio |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
for data in ('random', 'fashion-mnist'):
    s = [r for r in rows if r['tool'] == 'snn4j' and r['data'] == data][0]
    t = sorted([r for r in rows if r['tool'] == 'pytorch' and r['data'] == data], key=lambda r: -r['threads'])
    bt = max(r['train_samples_per_s'] for r in t); bi = max(r['infer_samples_per_s'] for r in t)
    rss = min(r['rss_peak_mb'] for r in t)
    print('| %s | %.0f | %s | **%.2f** | %.0f | %s | **%.2f** | %.0f / %.0f | **%.2f** |' % (
        data, s['train_samples_per_s'], ' / '.join('%.0f' % r['train_samples_per_s'] for r in t), s['train_samples_per_s'] / bt,
        s['infer_samples_per_s'], ' / '.join('%.0f' % r['infer_samples_per_s'] for r in t), s['infer_samples_per_s'] / bi,
        s['peak_rss_mb'], rss, s['peak_rss_mb'] / rss))
PY
