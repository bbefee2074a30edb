#!/bin/bash
# Issue 13: the NIR paper's single-LIF test. snn4j runs lif_norse.nir and lif_rockpool.nir at dt = 1e-4 s on
# the input column of lif_exact.csv; every platform's trace (lif_<platform>.csv, from the NIR repository) and
# snn4j's are compared with the exact solution: max |v - v_exact| and the spike steps.
# Usage: bash bench/nir_lif_table.sh      (prints a Markdown table; OUT=/tmp/nir_lif)
set -eu
cd "$(dirname "$0")/.."
D=snn4j-nir/src/test/resources/nir/01_lif
SHARED=../shared/nir/01_lif
OUT=${OUT:-/tmp/nir_lif}
for f in norse rockpool; do
  bin/snn4j nir run "$D/lif_$f.nir" --dt 1e-4 --input "$D/lif_exact.csv" --columns 0 --threads 1 --record "$( [ $f = norse ] && echo 1 || echo 1_LIFNeuronTorch )" \
      --out "$OUT/$f" 2>/dev/null
done
/usr/bin/python3 - "$D" "$SHARED" "$OUT" <<'PY'
import glob, os, sys
import numpy as np
d, shared, out = sys.argv[1:4]
exact = np.loadtxt(os.path.join(d, 'lif_exact.csv'), delimiter=',')
ve, se = exact[:, 1], np.nonzero(exact[:, 2])[0]
rows = []
files = sorted(set(glob.glob(os.path.join(shared, 'lif_*.csv'))) | set(glob.glob(os.path.join(d, 'lif_*.csv'))),
               key=os.path.basename)
seen = set()
for f in files:
    name = os.path.basename(f)[4:-4]
    if name == 'exact' or name in seen:
        continue
    seen.add(name)
    a = np.loadtxt(f, delimiter=',')
    rows.append((name, np.abs(a[:, 1] - ve).max(), np.nonzero(a[:, 2])[0]))
for f, node in (('norse', '1'), ('rockpool', '1_LIFNeuronTorch')):
    v = np.load(os.path.join(out, f, 'traces', node + '_v.npy')).ravel()
    z = np.load(os.path.join(out, f, 'traces', node + '.npy')).ravel()
    rows.append(('**snn4j** (lif_%s.nir)' % f, np.abs(v - ve).max(), np.nonzero(z)[0]))
print('exact spike steps: %s' % list(se))
print()
print('| platform | max abs(v - v_exact) | spike steps | spike-step differences from exact |')
print('|---|---:|---|---|')
for name, err, s in rows:
    diff = [int(x) - int(y) for x, y in zip(s, se)] if len(s) == len(se) else 'count %d vs %d' % (len(s), len(se))
    print('| %s | %.6f | %s | %s |' % (name, err, ', '.join(map(str, s)), diff))
PY
