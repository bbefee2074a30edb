#!/usr/bin/python3
"""Pairs the lines of bench/results/sg_vs_torch.jsonl (snn4j vs PyTorch, same H, T, B, data) and
prints a markdown table with the ratios (medians when a configuration ran several times)."""
import sys

from benchlines import group, med

path = sys.argv[1] if len(sys.argv) > 1 else 'bench/results/sg_vs_torch.jsonl'


def key(d):
    if d.get('tool') == 'snn4j':
        return d['H'], d['T'], d['B'], d.get('data', 'random')
    return d['hidden'], d['steps'], d['batch'], d.get('data', 'random')


rows = group(path, key)

print('| H | T | B | data | n | snn4j train/s | torch train/s | ratio | snn4j infer/s | torch infer/s | ratio | snn4j peak RSS MB | torch peak RSS MB | ratio |')
print('|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for key in sorted(rows):
    r = rows[key]
    if 'snn4j' not in r or 'pytorch' not in r:
        continue
    s, t = r['snn4j'], r['pytorch']
    st, tt = med(s, 'train_samples_per_s'), med(t, 'train_samples_per_s')
    si, ti = med(s, 'infer_samples_per_s'), med(t, 'infer_samples_per_s')
    sm, tm = med(s, 'peak_rss_mb'), med(t, 'rss_peak_mb')
    print(f'| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {min(len(s), len(t))} | {st:,.0f} | {tt:,.0f} | {st / tt:.2f} | '
          f'{si:,.0f} | {ti:,.0f} | {si / ti:.2f} | {sm:,.0f} | {tm:,.0f} | {sm / tm:.2f} |')
