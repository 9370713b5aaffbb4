#!/bin/sh
# docker/skeleton.sh SRC OUT: writes to OUT the workspace at SRC reduced to what decides its
# dependencies: Cargo.lock, every package's Cargo.toml, and an empty `fn main() {}` file at
# the path of every target cargo reports (declared or found by cargo's own discovery). The
# image builds its dependencies from that skeleton in a layer that survives source edits.
# Derived from `cargo metadata`, so a target added to a manifest needs no edit here.
# CI runs the same script on the build context (.ci/docker-replay), without a Docker engine.
set -eu
src=$(cd "$1" && pwd)
out=$2
mkdir -p "$out"
meta=$(cd "$src" && cargo metadata --no-deps --format-version 1)
cp "$src/Cargo.lock" "$out/Cargo.lock"
# Paths in the metadata are absolute and JSON-quoted; project paths carry no quotes.
paths() {
    printf '%s' "$meta" | grep -o "\"$1\":\"[^\"]*\"" | cut -d'"' -f4 | sort -u
}
paths manifest_path | while read -r manifest; do
    rel=${manifest#"$src"/}
    mkdir -p "$out/$(dirname "$rel")"
    cp "$manifest" "$out/$rel"
done
paths src_path | while read -r target; do
    rel=${target#"$src"/}
    mkdir -p "$out/$(dirname "$rel")"
    # Valid as a library (one unused function), a binary, a test or a benchmark.
    echo 'fn main() {}' > "$out/$rel"
done
