#!/usr/bin/env bash
# Issue 19's measurement: every multi-threaded workload at 1, 2, 4, 8, 16 threads (or THREADS=...),
# each count in its own JVM (bin/snn4j bench scaling), one JSON line per workload and count with
# speed-up and efficiency. Prepared for the 16-core GPU machine; on two cores: THREADS=1,2.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${THREADS:-1,2,4,8,16}"
export SNN4J_NO_BUILD="${SNN4J_NO_BUILD:-}"
run() { bin/snn4j bench scaling "$@" --threads "$T"; }
run sg-mlp --hidden 1000 --steps 25 --batch 128 --mode train
run sg-mlp --hidden 1000 --steps 25 --batch 128 --mode infer
run sg-cnn --batch 128 --mode train --iters 3
run exact-qif --batch 64
run cuba --neurons 64000 --duration 1
run cuba --neurons 16000 --duration 1
run ff-lif --neurons 1024
run erbp --hidden 200 --samples 100 --warmup 20
