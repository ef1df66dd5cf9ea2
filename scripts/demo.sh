#!/usr/bin/env bash
# Runs the whole flood chain on the shipped demo scenario and writes every product to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --release --quiet --bin tailtwin -- run scenarios/demo/valley-pond.toml --out out/demo "$@"
# The dam-break drill of the same scenario ([dambreak]: forced breach at 6 h, 1.5 h of 2D).
cargo run --release --quiet --bin tailtwin -- dambreak scenarios/demo/valley-pond.toml --out out/demo/dambreak
echo "demo: products in out/demo/ (open out/demo/report.html; dam break: out/demo/dambreak/)" >&2
