#!/usr/bin/env bash
# Dependency rule (DESIGN.md §2): process crates depend on tailtwin-core and numeric crates only.
set -euo pipefail
cd "$(dirname "$0")/.."
procs="hydrology pond seepage stability inundation risk"
fail=0
for p in $procs; do
  [ -f "engine/$p/Cargo.toml" ] || continue
  deps=$(cargo tree -p "tailtwin-$p" --edges normal --depth 1 --prefix none 2>/dev/null | awk '{print $1}' | grep '^tailtwin-' | sort -u || true)
  for d in $deps; do
    case "$d" in
      "tailtwin-$p"|tailtwin-core) ;;
      *) echo "architecture: tailtwin-$p depends on $d (process crates depend on tailtwin-core only)"; fail=1 ;;
    esac
  done
done
for r in results; do
  deps=$(cargo tree -p "tailtwin-$r" --edges normal --depth 1 --prefix none 2>/dev/null | awk '{print $1}' | grep '^tailtwin-' | sort -u || true)
  for d in $deps; do
    case "$d" in "tailtwin-$r"|tailtwin-core) ;; *) echo "architecture: tailtwin-$r depends on $d"; fail=1 ;; esac
  done
done
[ $fail -eq 0 ] && echo "dependency rule holds"
exit $fail
