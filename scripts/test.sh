#!/usr/bin/env bash
# The test command: installs system packages if missing, then runs every test of the workspace
# (unit, integration, bench smoke runs, then the documentation examples, which --all-targets skips).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --workspace --all-targets "$@"
cargo test --workspace --doc "$@"
