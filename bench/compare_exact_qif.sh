#!/usr/bin/env bash
# Side by side, on this machine and in one run: snn4j's exact gradient (forward + discrete adjoint)
# against PyTorch autograd (../shared/peers/torch_exact_qif.py, its fastest layout: torch 1 thread +
# OpenBLAS 2) on the same QIF/gate-synapse workload, N = 100, B = 16, K = 1000 and 10000.
# Appends JSON lines to bench/results/exact_qif.jsonl and prints a ratio table.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=../shared/peers
OUT=bench/results/exact_qif.jsonl
mkdir -p bench/results
bin/snn4j list >/dev/null          # build first, then measure without rebuilding
export SNN4J_NO_BUILD=1
for K in 1000 10000; do
  iters=5; [[ $K == 10000 ]] && iters=2
  s=$(bin/snn4j bench exact-qif --neurons 100 --steps $K --batch 16 --iters $iters)
  sc=$(bin/snn4j bench exact-qif --neurons 100 --steps $K --batch 16 --iters $iters --checkpoint-every 100)
  t=$(OPENBLAS_NUM_THREADS=2 /usr/bin/python3 $PEERS/torch_exact_qif.py --neurons 100 --steps $K --batch 16 \
        --threads 1 --iters $iters 2>/dev/null | tail -n 1)
  for l in "$s" "$sc" "$t"; do echo "$l" >> $OUT; done
  /usr/bin/python3 - "$K" "$s" "$sc" "$t" <<'PY'
import json, sys
K = sys.argv[1]; s, sc, t = (json.loads(x) for x in sys.argv[2:5])
def f(d, *keys):
    for k in keys:
        if k in d: return d[k]
ts = f(t, 'trials_per_s'); tm = f(t, 'peak_rss_mb')
for name, d in (('trajectory', s), ('checkpoint 100', sc)):
    print(f"| {K} | snn4j {name} | {f(d,'trials_per_s'):.2f} | {f(d,'peak_rss_mb'):.0f} | "
          f"{f(d,'trials_per_s')/ts:.2f}x | {f(d,'peak_rss_mb')/tm:.2f}x |")
print(f"| {K} | pytorch autograd | {ts:.2f} | {tm:.0f} | 1 | 1 |")
PY
done
