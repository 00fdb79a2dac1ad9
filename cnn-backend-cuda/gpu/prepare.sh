#!/usr/bin/env bash
# Builds what a GPU machine (no network, maybe no JDK or Maven) needs to run gpu/run.sh, into
# cnn-backend-cuda/target/gpu-bundle (carry that one path, < 64 MiB):
#   jre.tar.xz  a jlink'ed Java 17 runtime (java.base, java.logging, java.xml and jdk.zipfs for JUnit's reports and jar scanning, jdk.unsupported), xz'ed:
#               34 MB unpacked, 16 MB carried; run.sh unpacks it only when the machine has no Java 17+
#   lib/        the cnn4j jars, JCuda (driver natives only: its 24 MB PTX-compiler natives are
#               not used), the module's test classes and JUnit's console launcher
#   datasets/   Fashion-MNIST for W1, when this machine has it
# Run from the repository root after `mvn -pl cnn-backend-cuda -am install` and
# `mvn -pl cnn-examples -am package`.
set -euo pipefail
B=cnn-backend-cuda/target/gpu-bundle
M2=${M2:-$HOME/.m2/repository}
# The version the build wrote from the POM (the one place it lives).
V=$(sed -n 's/^version=//p' cnn-api/target/classes/org/cnn4j/cnn4j-version.properties)
[ -n "$V" ] || { echo "no cnn-api/target/classes/org/cnn4j/cnn4j-version.properties: build first" >&2; exit 1; }
J=12.6.0
rm -rf "$B" && mkdir -p "$B/lib"
jlink --add-modules java.base,java.logging,java.xml,jdk.unsupported,jdk.zipfs --strip-debug --no-header-files \
  --no-man-pages --compress=2 --output "$B/jre"
tar -C "$B" -cJf "$B/jre.tar.xz" jre && rm -rf "$B/jre"
cp cnn-backend-cuda/target/cnn-backend-cuda-$V.jar cnn-examples/target/cnn-examples-$V.jar "$B/lib/"
jar --create --file "$B/lib/cnn-backend-cuda-tests.jar" -C cnn-backend-cuda/target/test-classes .
for a in org/cnn4j/cnn-api/$V/cnn-api-$V.jar org/cnn4j/cnn-tests/$V/cnn-tests-$V.jar \
  org/cnn4j/cnn-plots/$V/cnn-plots-$V.jar \
  org/jcuda/jcuda/$J/jcuda-$J.jar org/jcuda/jcublas/$J/jcublas-$J.jar \
  org/jcuda/jcublas-natives/$J/jcublas-natives-$J-linux-x86_64.jar \
  info/picocli/picocli/4.7.7/picocli-4.7.7.jar org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
  org/slf4j/slf4j-simple/2.0.17/slf4j-simple-2.0.17.jar \
  org/junit/platform/junit-platform-console-standalone/1.14.1/junit-platform-console-standalone-1.14.1.jar; do
  cp "$M2/$a" "$B/lib/"
done
# JCuda's natives jar minus the NVRTC/PTX-compiler/runtime libraries the backend never loads.
tmp=$(mktemp -d)
(cd "$tmp" && unzip -q "$M2/org/jcuda/jcuda-natives/$J/jcuda-natives-$J-linux-x86_64.jar" \
  && rm -f lib/libJNvPTXCompiler-* lib/libJNvrtc-* lib/libJCudaRuntime-* \
  && jar --create --file jcuda-natives-$J-linux-x86_64.jar -C . lib META-INF)
mv "$tmp/jcuda-natives-$J-linux-x86_64.jar" "$B/lib/" && rm -rf "$tmp"
for d in "${CNN4J_DATASETS:-}" "$HOME/.cnn4j/datasets" /usr/share/datasets; do
  if [[ -n "$d" && -f "$d/fashion-mnist/train-images-idx3-ubyte.gz" ]]; then
    mkdir -p "$B/datasets" && cp -r "$d/fashion-mnist" "$B/datasets/" && break
  fi
done
du -sh "$B"/* "$B"
