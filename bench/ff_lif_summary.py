#!/usr/bin/python3
"""Pairs the lines of bench/results/ff_lif_vs_torch.jsonl (snn4j vs PyTorch, same N, T, B) and prints a
markdown table (medians when a size ran several times). Speed-up = torch time / snn4j time (> 1: snn4j
faster); the memory column is snn4j / torch peak RSS (< 1: snn4j smaller)."""
import sys

from benchlines import group, med

path = sys.argv[1] if len(sys.argv) > 1 else 'bench/results/ff_lif_vs_torch.jsonl'
rows = group(path, lambda d: (d['N'], d['T'], d['B'], d.get('recompute', 0) or 0))

print('| N | T | B | n | snn4j fwd+bwd ms | torch fwd+bwd ms | speed-up | snn4j fwd ms | torch fwd ms | speed-up | '
      'snn4j bwd ms | torch bwd ms | speed-up | peak RSS MB snn4j / torch |')
print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for key in sorted(rows):
    r = rows[key]
    if 'snn4j' not in r or 'pytorch' not in r or key[3]:
        continue
    s, t = r['snn4j'], r['pytorch']
    cells = []
    for k in ('fwd_bwd_ms', 'fwd_ms', 'bwd_ms'):
        a, b = med(s, k), med(t, k)
        cells.append(f'{a:,.0f} | {b:,.0f} | **{b / a:.2f}×**')
    sm, tm = med(s, 'rss_peak_mb'), med(t, 'rss_peak_mb')
    print(f'| {key[0]} | {key[1]} | {key[2]} | {min(len(s), len(t))} | ' + ' | '.join(cells)
          + f' | {sm:,.0f} / {tm:,.0f} ({sm / tm:.2f}) |')
