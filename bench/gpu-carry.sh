#!/usr/bin/env bash
# Prepares .gpucarry/ for bench/gpu-check.sh on the build machine, after
#   mvn -B -ntp -o -q -DskipTests package
# (the GPU machine has no Java and builds nothing). What it holds, compressed so that it fits beside
# the working tree in the 64 MiB a GPU machine accepts for carried paths:
#   jre.tar.xz        a jlink-made Java 17 runtime (java.base, jdk.unsupported for JavaCPP, java.logging,
#                     java.management, java.desktop for the run's PNG plots), uncompressed modules, then xz
#                     (17 MB; unpacked it is several times larger); gpu-check.sh unpacks it with python3
#   snn4j.jar, cuda/  the CLI jar and snn4j-cuda with the JavaCPP jars (the CLI jar's manifest finds cuda/*.jar)
#   data/*.xz         Fashion-MNIST's four IDX files, xz -9e (26.5 MB instead of 30.9 MB gzipped); gpu-check.sh
#                     turns them back into the .gz files snn4j reads (python3 lzma + gzip), byte for byte the same IDX
#   torch_gpu_anchor.py, torch_sg_cnn.py   the PyTorch anchors (../shared/gpu, ../shared/peers)
# Fashion-MNIST comes from the Debian package dataset-fashion-mnist: installed, or its .deb in the apt cache,
# or SNN4J_FASHION_DIR=<folder with the four .gz files>.
# Usage: bench/gpu-carry.sh            (prints the sizes and fails if the carry would pass 60 MiB)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
[[ -f snn4j-cli/target/snn4j.jar && -f snn4j-cuda/target/snn4j-cuda.jar ]] || { echo "build first: mvn -B -ntp -o -q -DskipTests package" >&2; exit 2; }
fm=${SNN4J_FASHION_DIR:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ -z $fm ]]; then
  if [[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then
    fm=/usr/share/datasets/fashion-mnist
  else
    deb=$(ls /var/cache/apt/archives/dataset-fashion-mnist_*.deb 2>/dev/null | head -1 || true)
    [[ -n $deb ]] || { echo "no Fashion-MNIST: apt-get install dataset-fashion-mnist, or set SNN4J_FASHION_DIR" >&2; exit 2; }
    dpkg-deb -x "$deb" "$tmp/deb"
    fm=$tmp/deb/usr/share/datasets/fashion-mnist
  fi
fi
rm -rf .gpucarry
mkdir -p .gpucarry/cuda .gpucarry/data
"$jdk/bin/jlink" --add-modules java.base,jdk.unsupported,java.logging,java.management,java.desktop --strip-debug --no-header-files \
  --no-man-pages --output "$tmp/jre"
tar -C "$tmp/jre" -cf - . | xz -9 -T1 > .gpucarry/jre.tar.xz
cp snn4j-cli/target/snn4j.jar .gpucarry/
cp snn4j-cuda/target/snn4j-cuda.jar snn4j-cuda/target/lib/*.jar .gpucarry/cuda/
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -dc "$fm/$f.gz" | xz -9e -T1 > .gpucarry/data/$f.xz
  gzip -dc "$fm/$f.gz" | sha256sum | cut -d' ' -f1 > .gpucarry/data/$f.sha256
done
cp ../shared/gpu/torch_gpu_anchor.py ../shared/peers/torch_sg_cnn.py .gpucarry/ 2>/dev/null || echo "note: ../shared anchors not found; the PyTorch lines will be skipped" >&2
du -ah .gpucarry | sort -h | tail -12
carry=$(du -sb .gpucarry | cut -f1)
tree=$(git ls-files -z | du -cb --files0-from=- | tail -1 | cut -f1)
echo "carry $((carry / 1048576)) MiB + tracked tree $((tree / 1048576)) MiB (limit 64 MiB)"
(( carry + tree < 60 * 1048576 )) || { echo "too large for the GPU machine" >&2; exit 1; }
