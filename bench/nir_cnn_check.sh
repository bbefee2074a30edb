#!/bin/bash
# Issue 13 acceptance check: the Sinabs CNN (../shared/nir/02_cnn/cnn_sinabs.nir) in snn4j against the
# independent PyTorch forward pass bench/nir_ref_torch.py, on the same random event input.
#   (a) makes the input (T=100, B=16, 2x34x34, Bernoulli(RATE) per element per step, seed SEED)
#   (b) runs the reference -> $OUT/ref.json        (torch, $THREADS threads, one warm-up run first)
#   (c) runs snn4j nir run -> $OUT/snn4j/metrics.json (spikes_NODE per spiking node, sum_NODE, samples_per_s;
#       3 untimed runs first for the JIT, then the median of REPS)
#   (d) compares the spike counts node by node and prints a table and the throughput ratio.
# Exit status: 0 when every spiking node's count agrees, 1 otherwise.
# Usage: bash bench/nir_cnn_check.sh     (env: RATE=0.05 SEED=1 STEPS=100 BATCH=16 THREADS=2 REPS=5
#                                          OUT=/tmp/nir_cnn_check INPUT=/tmp/nir_cnn_input.npy)
# Quiet machine: run no other build or benchmark meanwhile.
set -eu
cd "$(dirname "$0")/.."
GRAPH=${GRAPH:-snn4j-nir/src/test/resources/nir/02_cnn/cnn_sinabs.nir}
INPUT=${INPUT:-/tmp/nir_cnn_input.npy}
OUT=${OUT:-/tmp/nir_cnn_check}
RATE=${RATE:-0.05}; SEED=${SEED:-1}; STEPS=${STEPS:-100}; BATCH=${BATCH:-16}
THREADS=${THREADS:-2}; REPS=${REPS:-5}
PY=/usr/bin/python3
export PYTHONPATH=../shared/peers/nir_ref${PYTHONPATH:+:$PYTHONPATH}
mkdir -p "$OUT"

echo "[$(date +%T)] (a) input $INPUT" >&2
$PY bench/nir_ref_torch.py --make-input "$INPUT" --shape 2,34,34 --steps "$STEPS" --batch "$BATCH" \
    --rate "$RATE" --seed "$SEED" >&2
echo "[$(date +%T)] (b) PyTorch reference" >&2
$PY bench/nir_ref_torch.py --graph "$GRAPH" --input "$INPUT" --dt 1 --threads "$THREADS" --reps "$REPS" \
    --json "$OUT/ref.json" > /dev/null
echo "[$(date +%T)] (c) snn4j nir run" >&2
rm -rf "$OUT/snn4j"
bin/snn4j nir run "$GRAPH" --input "$INPUT" --dt 1 --threads "$THREADS" --warmup 3 --reps "$REPS" --out "$OUT/snn4j" >&2

echo "[$(date +%T)] (d) compare" >&2
$PY - "$OUT/ref.json" "$OUT/snn4j/metrics.json" <<'EOF'
import json, sys
ref = json.load(open(sys.argv[1]))
s4 = json.load(open(sys.argv[2]))
sc = {k[7:]: v for k, v in s4.items() if k.startswith('spikes_') and k != 'spikes_total'}
sc.update({k[4:]: v for k, v in s4.items() if k.startswith('sum_')})
types = ref['node_types']
ok = True
print('%-8s %-10s %14s %14s %s' % ('node', 'type', 'torch', 'snn4j', ''))
for n in ref['order']:
    t = types[n]
    r = ref['spike_counts'].get(n, ref['sums'].get(n))
    j = sc.get(n)
    if n in ref['spike_counts']:
        same = j is not None and int(j) == int(r)
        ok &= same
        mark = 'same' if same else ('MISSING' if j is None else 'DIFF %+d' % (int(j) - int(r)))
    else:
        mark = '' if j is None else ('same' if abs(float(j) - float(r)) <= 1e-6 * max(1.0, abs(float(r))) else 'diff')
    fmt = lambda v: '-' if v is None else (('%.4f' % v) if isinstance(v, float) else str(v))
    print('%-8s %-10s %14s %14s %s' % (n, t, fmt(r), fmt(j), mark))
rs, js = ref['samples_per_s'], s4.get('samples_per_s')
print('throughput: torch %.1f samples/s (%d threads, median of %d)   snn4j %s samples/s   snn4j/torch %s'
      % (rs, ref['threads'], len(ref['times_s']), js,
         '%.2f' % (float(js) / rs) if js else '-'))
print('spike counts per layer: %s' % ('ALL SAME' if ok else 'DIFFERENT'))
sys.exit(0 if ok else 1)
EOF
