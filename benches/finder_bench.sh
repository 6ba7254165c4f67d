#!/usr/bin/env bash
# The office finder and the site search at national scale.
#
#   benches/finder_bench.sh [OFFICES] [PREFECTURE_OFFICES]     (default 20000 and 2000 in 静岡県)
#
# Builds the sample project (pages only, every site) with OFFICES generated offices
# (outreach bench --finder), prints what each partner page loads (raw and gzip) and
# every site's search index size, then opens the national, 静岡県 and 静岡市 partner
# pages and the national search page from disk in Chromium and prints the time of each
# query (tests/browser/finder_bench.cjs). Needs what the browser test needs:
# bash tests/browser/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
OFFICES="${1:-20000}"
IN_PREFECTURE="${2:-2000}"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/outreach-finder.XXXXXX)}"
[ -d tests/browser/node_modules/playwright-core ] || { echo "run bash tests/browser/setup.sh first"; exit 1; }

cargo build --release --quiet
target/release/outreach bench --finder --offices "$OFFICES" --prefecture 220001 \
  --prefecture-offices "$IN_PREFECTURE" --work "$WORK"
node tests/browser/finder_bench.cjs --root "$WORK/public" --prefecture 220001 --municipality 221007
echo "output kept in $WORK"
