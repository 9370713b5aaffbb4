#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 300), one after the other, seeded from
# the committed regression corpus and the fixtures, and keeps what they find in
# fuzz/corpus (git-ignored). A crash stops the run with the input in fuzz/artifacts/<target>/;
# add it to fuzz/regressions/<target>/ once fixed. Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
#   fuzz/run-all.sh 600
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
for target in document job manifest; do
  mkdir -p "corpus/$target"
  seeds=("regressions/$target")
  if [ "$target" = document ]; then seeds+=(../fixtures/designs ../fixtures/render ../fixtures/invalid/input ../fixtures/invalid/renders); fi
  echo "== $target for ${seconds}s"
  cargo +nightly fuzz run "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
