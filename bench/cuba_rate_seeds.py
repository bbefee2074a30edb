#!/usr/bin/python3
"""Mean rate of the CUBA network across seeds, Brian2 against snn4j (rates only, no timing).

Runs ../shared/peers/brian2_cuba.py (cython, warm cache) for --seeds seeds and
`bin/snn4j run cuba --set seeds=S` once, and prints both spreads and the
two-sample z score of the difference of their means.
Usage: /usr/bin/python3 bench/cuba_rate_seeds.py [--seeds 10] [--first 42]
"""
import argparse, json, math, os, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIAN = os.path.join(os.path.dirname(ROOT), 'shared', 'peers', 'brian2_cuba.py')

ap = argparse.ArgumentParser()
ap.add_argument('--seeds', type=int, default=10)
ap.add_argument('--first', type=int, default=42)
a = ap.parse_args()
b = []
for s in range(a.first, a.first + a.seeds):
    out = subprocess.run(['/usr/bin/python3', BRIAN, '--target', 'cython', '--warm-cache', '--N', '4000', '--duration', '1',
                          '--seed', str(s)], check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])['rate_hz']
    print(f'brian2 seed {s}: {r:.3f} Hz', file=sys.stderr)
    b.append(r)
d = tempfile.mkdtemp()
subprocess.run([os.path.join(ROOT, 'bin', 'snn4j'), 'run', 'cuba', '--seed', str(a.first), '--set', f'seeds={max(a.seeds, 2)}',
                '--out', d], check=True, capture_output=True)
m = json.load(open(os.path.join(d, 'metrics.json')))
sm, ssd, n = m['mean_rate_hz_seed_mean'], m['mean_rate_hz_seed_sd'], m['seeds']
bm, bsd = statistics.mean(b), statistics.stdev(b)
z = (sm - bm) / math.sqrt(ssd ** 2 / n + bsd ** 2 / len(b))
print(json.dumps(dict(brian2_mean_hz=round(bm, 4), brian2_sd_hz=round(bsd, 4), brian2_seeds=len(b),
                      snn4j_mean_hz=round(sm, 4), snn4j_sd_hz=round(ssd, 4), snn4j_seeds=n,
                      difference_hz=round(sm - bm, 4), z=round(z, 2))))
