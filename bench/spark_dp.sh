#!/usr/bin/env bash
# Issue 16's data-parallel measurement: 784-1000-10, T 25, B 128, two parts per step, on Spark
# local[2] (two task threads in one JVM) and on a two-worker standalone cluster (one core each,
# bin/spark-local-cluster), each against the same steps in one process with two threads; one JSON line each.
set -euo pipefail
cd "$(dirname "$0")/.."
export SNN4J_NO_BUILD=1
ARGS=(--hidden "${HIDDEN:-1000}" --iters "${ITERS:-20}" --parts 2)
bin/snn4j bench sg-mlp-spark "${ARGS[@]}" --master "local[2]"
URL=$(bin/spark-local-cluster start 2 1)
bin/snn4j bench sg-mlp-spark "${ARGS[@]}" --master "$URL" || true
bin/spark-local-cluster stop
