#!/usr/bin/env bash
# The GPU check of snn4j-cuda (issue 15), run on a machine with an NVIDIA GPU and no Java or Maven:
# builds nothing there. Needs .gpucarry/ beside it, made on the build machine by
#   mvn -B -ntp -o -q -DskipTests package && bench/gpu-carry.sh
# (a compressed Java runtime, the jars, Fashion-MNIST as xz, the PyTorch anchors; see docs/gpu.md).
# Runs: (1) the GPU-vs-CPU gradient agreement of one batch (target 1e-4 relative, fp32; the bench's
# LIF outputs with ce_count and the experiment's leaky readout with ce_mean; tf32 for the record),
# (2) snn4j-cuda timings of the sg-mlp workloads, (3) the PyTorch eager (and compiled) anchor on the
# same workloads in the same command, (4) the Fashion-MNIST agreement: `run sg-mlp` with its defaults
# (784-1000-10, 5 epochs, seed 42) with device=cuda and on the CPU (this machine's cores, at the same
# time), test accuracies within 0.5 points, and the CPU figure against the one stored from the build
# machine (bench/results/fashion-cpu-reference.json, if there: same seed, so the same number).
# JSON lines to $OUT/gpu-check.jsonl (or bench/results/gpu-check.jsonl), the whole log to $OUT/gpu-check.log.
# Usage: bench/gpu-check.sh [quick]   (quick: fewer iterations, no torch.compile); FASHION=0 skips (4);
# FASHION_EXTRA="--set train_limit=2000 --set epochs=1" shortens (4) for a trial (then pass=... is not the check).
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
JRE=${TMPDIR:-/tmp}/snn4j-gpucheck-jre
if [[ ! -x $JAVA && -f .gpucarry/jre.tar.xz ]]; then   # the compressed runtime of bench/gpu-carry.sh
  [[ -x $JRE/bin/java ]] || python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" .gpucarry/jre.tar.xz "$JRE"
  JAVA=$JRE/bin/java
fi
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
# the experiment's output layer: leaky readout, cross-entropy of the mean membrane potential (its batch 64, and 128)
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --hidden 1000 --steps 25 --batch 64 --loss ce_mean
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --hidden 1000 --steps 25 --batch 128 --loss ce_mean
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --hidden 256 --steps 25 --batch 32 --loss ce_mean
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --hidden 256 --steps 25 --batch 32 --loss ce_max
# the convolutional engine (sg-cnn): snnTorch tutorial 6's network, direct coding, LIF outputs / the experiment's leaky readout
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --arch 12c5-mp2-64c5-mp2-10 --steps 25 --batch 32 --loss ce_count
run $JAVA -cp "$CP" org.snn4j.cuda.GradientCheck --backend cuda --arch 12c5-mp2-64c5-mp2-10 --steps 25 --batch 64 --loss ce_mean

# 2. snn4j-cuda timings (bench sg-mlp-cuda = bench sg-mlp --device cuda)
B="$JAVA -cp $CP org.snn4j.cli.Main bench sg-mlp-cuda"
run $B --hidden 1000 --steps 25 --batch 128 --warmup 10 --iters $ITERS
run $B --hidden 1000 --steps 25 --batch 1024 --warmup 5 --iters $ITERS_BIG
run $B --hidden 256 --steps 100 --batch 128 --warmup 10 --iters $ITERS
run $B --hidden 256 --steps 25 --batch 128 --warmup 10 --iters $ITERS
run $B --hidden 1000 --steps 25 --batch 128 --warmup 10 --iters $ITERS --math tf32
run $B --hidden 1000 --steps 25 --batch 128 --warmup 3 --iters 20 --encoder host
# sg-cnn on the GPU (12C5-MP2-64C5-MP2-10, T 25, direct coding, ce_count: the workload of torch_sg_cnn.py)
C="$JAVA -cp $CP org.snn4j.cli.Main bench sg-cnn-cuda"
run $C --batch 128 --warmup 5 --iters $((ITERS / 4))
run $C --batch 1024 --warmup 3 --iters $((ITERS_BIG / 2))
# the CLI wiring: the plain jar finds the backend through its manifest Class-Path (.gpucarry/cuda/)
run $JAVA -jar .gpucarry/snn4j.jar bench sg-mlp --device cuda --hidden 1000 --steps 25 --batch 128 --warmup 5 --iters 50
run $JAVA -jar .gpucarry/snn4j.jar bench sg-cnn --device cuda --batch 128 --warmup 3 --iters 20

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
if [[ -f .gpucarry/torch_sg_cnn.py ]]; then   # the convolutional anchor, B 128 and 1024 (its own JSON line each)
  for b in 128 1024; do
    log "torch_sg_cnn.py --device cuda --batch $b"
    timeout 240 python3 .gpucarry/torch_sg_cnn.py --device cuda --batch $b --warmup 3 --iters $((b == 128 ? 50 : 20)) --threads 8 2>>"$LOG" | tee -a "$J"
  done
fi
# 4. Fashion-MNIST, 5 epochs of run sg-mlp (its defaults: 784-1000-10, T 25, batch 64, leaky readout, ce_mean,
#    cosine lr, seed 42), device=cuda and the CPU at the same time; accuracy only (no timing is read from these)
if [[ ${FASHION:-1} == 1 && -f .gpucarry/data/train-images-idx3-ubyte.xz ]]; then
  DATA=${TMPDIR:-/tmp}/snn4j-gpucheck-data
  RUNS=${TMPDIR:-/tmp}/snn4j-gpucheck-runs
  log "unpacking Fashion-MNIST to $DATA"
  python3 - .gpucarry/data "$DATA/fashion-mnist" <<'PY' 2>>"$LOG"
import gzip, hashlib, lzma, os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
for f in ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']:
    raw = lzma.open(os.path.join(src, f + '.xz')).read()
    want = open(os.path.join(src, f + '.sha256')).read().strip()
    assert hashlib.sha256(raw).hexdigest() == want, f + ': checksum differs'
    with gzip.open(os.path.join(dst, f + '.gz'), 'wb', compresslevel=1) as g:
        g.write(raw)
PY
  rm -rf "$RUNS"; mkdir -p "$RUNS"
  SG="-XX:+UseParallelGC -Xss4m -jar .gpucarry/snn4j.jar run sg-mlp --set data_dir=$DATA --set simulate=0 ${FASHION_EXTRA:-}"
  NP=$(nproc)
  log "fashion: CPU run (threads $((NP > 4 ? NP - 4 : 1))) and device=cuda run (threads 4: the CPU encoder) at the same time"
  timeout 420 $JAVA $SG --set threads=$((NP > 4 ? NP - 4 : 1)) --out "$RUNS/cpu" >>"$LOG" 2>&1 &
  CPU_PID=$!
  timeout 420 $JAVA $SG --set threads=4 --set device=cuda --out "$RUNS/gpu" >>"$LOG" 2>&1
  log "device=cuda run exit $?"
  wait $CPU_PID
  log "CPU run exit $?"
  mkdir -p "$OUTDIR/fashion"
  for d in cpu gpu; do cp "$RUNS/$d/metrics.json" "$OUTDIR/fashion/$d-metrics.json" 2>/dev/null; done
  python3 - "$RUNS" bench/results/fashion-cpu-reference.json <<'PY' | tee -a "$J"
import json, os, sys
runs, ref = sys.argv[1], sys.argv[2]
def m(d):
    try: return json.load(open(os.path.join(runs, d, 'metrics.json')))
    except Exception as e: return {'error': repr(e)[:200]}
c, g = m('cpu'), m('gpu')
r = dict(check='fashion_5ep_agreement', network='784-1000-10', epochs=5, seed=42, extra=os.environ.get('FASHION_EXTRA', ''),
         cpu_test_accuracy=c.get('test_accuracy'), gpu_test_accuracy=g.get('test_accuracy'),
         cpu_train_loss=c.get('train_loss'), gpu_train_loss=g.get('train_loss'),
         gpu_device=g.get('device'), gpu_train_samples_per_s=g.get('train_samples_per_s'), gpu_infer_samples_per_s=g.get('infer_samples_per_s'),
         cpu_train_samples_per_s=c.get('train_samples_per_s'), cpu_threads=c.get('threads'), errors=[x.get('error') for x in (c, g) if 'error' in x])
if os.path.exists(ref):
    st = json.load(open(ref))
    r['stored_cpu_test_accuracy'] = st.get('test_accuracy')
    r['cpu_equals_stored'] = st.get('test_accuracy') == c.get('test_accuracy')
    if r['cpu_test_accuracy'] is None: r['cpu_test_accuracy'] = st.get('test_accuracy')
for e in range(1, 6):
    r['cpu_epoch_%d' % e], r['gpu_epoch_%d' % e] = c.get('test_accuracy_epoch_%d' % e), g.get('test_accuracy_epoch_%d' % e)
if r['cpu_test_accuracy'] is not None and r['gpu_test_accuracy'] is not None:
    r['diff_points'] = round(100 * (r['gpu_test_accuracy'] - r['cpu_test_accuracy']), 3)
    r['pass'] = abs(r['diff_points']) <= 0.5
print(json.dumps(r), flush=True)
PY
else
  log "fashion check skipped (FASHION=0 or no .gpucarry/data)"
fi
log "gpu-check done"
