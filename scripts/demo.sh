#!/usr/bin/env bash
# Runs the pre-flood-season assessment and the drill of the shipped demo pond; products in out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The pre-flood-season assessment (汛前安全评估): design flood + checks, seepage, stability and its
# reliability, the flood ensemble, the dam break ([dambreak]: forced breach at 6 h), safety status
# and risk score, in one report.
cargo run --release --quiet --bin tailtwin -- assess scenarios/demo/valley-pond.toml --out out/demo "$@"
# The emergency drill of the same pond (tower blocked, breach at overtopping): timeline, inject sheet.
cargo run --release --quiet --bin tailtwin -- drill scenarios/demo/drill.toml --out out/demo/drill
echo "demo: products in out/demo/ (open out/demo/report.html; dam break: out/demo/dambreak/; drill: out/demo/drill/)" >&2
