#!/usr/bin/env bash
# The GPU check of snn4j-cuda (issue 15), run on a machine with an NVIDIA GPU and no Java or Maven:
# builds nothing there. Needs .gpucarry/ beside it, made here after `mvn -q -DskipTests package`:
#   ../shared/gpu/make-carry.sh && mkdir -p .gpucarry/cuda \
#     && cp snn4j-cuda/target/snn4j-cuda.jar snn4j-cuda/target/lib/*.jar .gpucarry/cuda/ \
#     && cp ../shared/gpu/torch_gpu_anchor.py .gpucarry/
# Runs: (1) the GPU-vs-CPU gradient agreement of one batch (target 1e-4 relative, fp32; and tf32 for
# the record), (2) snn4j-cuda timings of the sg-mlp workloads, (3) the PyTorch eager (and compiled)
# anchor on the same workloads in the same command. JSON lines to $OUT/gpu-check.jsonl (or
# bench/results/gpu-check.jsonl), the whole log to $OUT/gpu-check.log.
# Usage: bench/gpu-check.sh [quick]   (quick: fewer iterations, no torch.compile)
set -uo pipefail
cd "$(dirname "$0")/.."
OUTDIR=${OUT:-bench/results}
mkdir -p "$OUTDIR"
J=$OUTDIR/gpu-check.jsonl
LOG=$OUTDIR/gpu-check.log
: > "$J"
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
export SNN4J_LAUNCH_NS=$(date +%s%N)
JAVA=.gpucarry/jre/bin/java
[[ -x $JAVA ]] || JAVA=java
CP=".gpucarry/snn4j.jar:.gpucarry/cuda/*"
QUICK=${1:-}
ITERS=200; ITERS_BIG=50
[[ $QUICK == quick ]] && { ITERS=50; ITERS_BIG=20; }
log() { echo "[$(date +%T)] $*" | tee -a "$LOG" >&2; }
run() {   # run CMD...: its stdout (JSON lines) to $J and the terminal, stderr to the log, 60 s cap each
  log "$*"
  timeout 60 "$@" 2>>"$LOG" | tee -a "$J"
  local rc=${PIPESTATUS[0]}
  [[ $rc -ne 0 ]] && log "exit $rc: $*"
  return 0
}
log "gpu-check start $(date -u +%FT%TZ) on $(hostname)"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader 2>&1 | tee -a "$LOG" >&2
echo "{\"check\":\"machine\",\"date\":\"$(date -u +%FT%TZ)\",\"gpu\":\"$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)\",\"cpus\":$(nproc)}" | tee -a "$J"

# 1. agreement, GPU vs CPU, one batch, same weights and spikes
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --hidden 1000 --steps 25 --batch 128
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --hidden 256 --steps 25 --batch 32
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --hidden 1000 --steps 25 --batch 128 --math tf32

# 2. snn4j-cuda timings (bench sg-mlp-cuda = bench sg-mlp --device cuda)
B="$JAVA -cp $CP org.snn4j.cli.Main bench sg-mlp-cuda"
run $B --hidden 1000 --steps 25 --batch 128 --warmup 10 --iters $ITERS
run $B --hidden 1000 --steps 25 --batch 1024 --warmup 5 --iters $ITERS_BIG
run $B --hidden 256 --steps 100 --batch 128 --warmup 10 --iters $ITERS
run $B --hidden 256 --steps 25 --batch 128 --warmup 10 --iters $ITERS
run $B --hidden 1000 --steps 25 --batch 128 --warmup 10 --iters $ITERS --math tf32
run $B --hidden 1000 --steps 25 --batch 128 --warmup 3 --iters 20 --encoder host
# the CLI wiring: the plain jar finds the backend through its manifest Class-Path (.gpucarry/cuda/)
run $JAVA -jar .gpucarry/snn4j.jar bench sg-mlp --device cuda --hidden 1000 --steps 25 --batch 128 --warmup 5 --iters 50

# 3. PyTorch anchor, the same sg-mlp workloads, same machine, same command
if [[ -f .gpucarry/torch_gpu_anchor.py ]]; then
  log "torch anchor"
  COMPILED=1; [[ $QUICK == quick ]] && COMPILED=0
  COMPILED=$COMPILED PYTHONUNBUFFERED=1 timeout 300 python3 - .gpucarry/torch_gpu_anchor.py 2>>"$LOG" <<'PY' | tee -a "$J"
import json, os, sys, time
src = open(sys.argv[1]).read()
exec(compile(src[:src.index('\ncases = [')], sys.argv[1], 'exec'))   # the anchor's definitions, not its case list
print(json.dumps(dict(tool='pytorch', gpu=torch.cuda.get_device_name(), torch=torch.__version__)), flush=True)
cases = [(1000, 25, 128, False), (1000, 25, 1024, False), (256, 100, 128, False), (256, 25, 128, False)]
if os.environ.get('COMPILED') == '1': cases.append((1000, 25, 128, True))
for H, T, B, c in cases:
    try:
        t0 = time.time(); r = sg_case(H, T, B, compiled=c); r['case_wall_s'] = round(time.time() - t0, 1)
        r.update(tool='pytorch', H=H, T=T, B=B, device='cuda')
        print(json.dumps(r), flush=True)
    except Exception as e:
        print(json.dumps(dict(tool='pytorch', H=H, T=T, B=B, compiled=c, error=repr(e)[:300])), flush=True)
PY
else
  log "no .gpucarry/torch_gpu_anchor.py: anchor skipped"
fi
log "gpu-check done"
