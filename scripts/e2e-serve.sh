#!/usr/bin/env bash
# End-to-end test of the supervisor pages (issue 6): `tailtwin portfolio` on scenarios/city with a
# small ensemble, `tailtwin serve` on the result (free port, loopback), then Debian's headless
# Chromium loads the portfolio page: the rendered DOM must list every ranked pond in rank order,
# the JSON API must parse (ranking and every pond's Report), and the screenshot must be a PNG of
# the window size that is not blank (examples/e2e_check.rs). Installs chromium if missing.
#
# Environment: E2E_MEMBERS (ensemble members per pond, default 40), E2E_PROFILE (dev (default:
# reuses the test build) or release), E2E_KEEP=DIR (copy the portfolio, DOM and screenshot there).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

browser=""
for b in chromium chromium-browser; do
  command -v "$b" >/dev/null 2>&1 && { browser="$b"; break; }
done
if [ -z "$browser" ]; then
  echo "e2e-serve: installing chromium" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
  browser=chromium
fi

profile="${E2E_PROFILE:-dev}"
members="${E2E_MEMBERS:-40}"
dir=release
[ "$profile" = release ] || dir=debug
cargo build --profile "$profile" --bin tailtwin --example e2e_check
bin="target/$dir/tailtwin"
check="target/$dir/examples/e2e_check"

work="$(mktemp -d)"
server=""
cleanup() {
  set +e
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  if [ -n "${E2E_KEEP:-}" ]; then mkdir -p "$E2E_KEEP" && cp -r "$work"/. "$E2E_KEEP"/; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== portfolio scenarios/city (members $members)"
set +e
"$bin" portfolio scenarios/city --out "$work/city" --members "$members" --seed 7 --quiet
rc=$?
set -e
# 0: all pass; 1: some pond fails a check or has a major hazard (the city has such ponds).
[ "$rc" -le 1 ] || { echo "e2e-serve: portfolio failed (exit $rc)" >&2; exit 1; }

echo "== serve"
"$bin" serve "$work/city" --port 0 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q '^serving http://' "$work/serve.log" && break
  sleep 0.1
done
url="$(sed -n 's#^serving \(http://[^ ]*/\).*#\1#p' "$work/serve.log")"
[ -n "$url" ] || { echo "e2e-serve: serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
addr="${url#http://}"
addr="${addr%/}"
echo "serving at $url"

echo "== API"
mapfile -t ids < <("$check" api "$addr")
echo "ranked: ${ids[*]}"
[ "${#ids[@]}" -ge 6 ] || { echo "e2e-serve: only ${#ids[@]} ponds ranked" >&2; exit 1; }

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --hide-scrollbars --user-data-dir="$(mktemp -d -p "$work")")
echo "== chromium DOM"
timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/chromium-dom.log"
"$check" dom "$work/dom.html" "${ids[@]}"
echo "== chromium screenshot"
timeout 120 "$browser" "${flags[@]}" --window-size=1280,900 --screenshot="$work/screenshot.png" \
  "$url" >"$work/chromium-shot.log" 2>&1
"$check" png "$work/screenshot.png" 1280 900
echo "== pond page"
timeout 120 "$browser" "${flags[@]}" --dump-dom "${url}ponds/${ids[0]}/report.html" >"$work/pond.html" 2>>"$work/chromium-dom.log"
grep -q 'id="summary"' "$work/pond.html" || { echo "e2e-serve: pond page has no summary" >&2; exit 1; }
echo "e2e-serve: OK"
