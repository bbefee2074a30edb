#!/usr/bin/env bash
# Issue 16's measurement: a 16-run sweep of a quick experiment (exact-encoding --quick, seeds 1-16)
# run four ways on this machine, one JSON line each: the 16 runs one after another (bin/snn4j run),
# snn4j sweep on local[1], on local[2], and on a two-worker standalone cluster (1 core each,
# bin/spark-local-cluster). Per-run overhead = sweep wall / runs * parallel - mean in-run wall_s.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME="${1:-exact-encoding}"; N="${2:-16}"
OUT="${OUT:-/tmp/snn4j-sweep-timing}"
rm -rf "$OUT"; mkdir -p "$OUT"
mvn -q -DskipTests package >/dev/null 2>&1 || true
export SNN4J_NO_BUILD=1
line() { python3 - "$@" <<'PY'
import json, sys, glob, os
mode, wall, par, folder = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
walls = [json.load(open(f))["wall_s"] for f in glob.glob(os.path.join(glob.escape(folder), "**", "metrics.json"), recursive=True)]
inrun = sum(walls) / len(walls)
print(json.dumps({"workload": "sweep", "experiment": os.environ.get("NAME"), "mode": mode, "runs": len(walls), "parallel": par,
                  "wall_s": round(wall, 2), "mean_run_wall_s": round(inrun, 3),
                  "overhead_per_run_s": round(wall * par / len(walls) - inrun, 3)}))
PY
}
export NAME
t0=$(date +%s.%N)
for s in $(seq 1 "$N"); do bin/snn4j run "$NAME" --quick --seed "$s" --out "$OUT/seq/seed=$s" >/dev/null 2>&1; done
line sequential "$(echo "$(date +%s.%N) - $t0" | bc)" 1 "$OUT/seq"
for m in "local[1]" "local[2]"; do
  t0=$(date +%s.%N)
  bin/snn4j sweep "$NAME" --quick --seeds "1-$N" --master "$m" --out "$OUT/$m" >/dev/null 2>&1
  line "sweep $m" "$(echo "$(date +%s.%N) - $t0" | bc)" "${m//[^0-9]/}" "$OUT/$m"
done
URL=$(bin/spark-local-cluster start 2 1)
t0=$(date +%s.%N)
bin/snn4j sweep "$NAME" --quick --seeds "1-$N" --master "$URL" --parallel 2 --out "$OUT/cluster" >/dev/null 2>&1 || true
line "sweep standalone 2 workers x 1 core" "$(echo "$(date +%s.%N) - $t0" | bc)" 2 "$OUT/cluster"
bin/spark-local-cluster stop
python3 - "$OUT" <<'PY'
import json, sys
def pts(d):
    s = json.load(open(d + "/sweep.json"))
    return {json.dumps(p["point"]): {k: v for k, v in p["metrics"].items() if not (k.endswith("_s") or k.endswith("_per_s") or k == "threads")} for p in s["points"]}
a, b, c = (pts(sys.argv[1] + x) for x in ("/local[1]", "/local[2]", "/cluster"))
print(json.dumps({"workload": "sweep", "same_results_local1_local2_cluster": a == b == c}))
PY
