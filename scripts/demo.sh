#!/usr/bin/env bash
# Runs the whole flood chain on the shipped demo scenario and writes every product to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --release --quiet --bin tailtwin -- run scenarios/demo/valley-pond.toml --out out/demo "$@"
echo "demo: products in out/demo/ (open out/demo/report.html)" >&2
