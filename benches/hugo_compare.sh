#!/usr/bin/env bash
# Side-by-side: outreach vs Hugo on the same number of Markdown pages.
#
#   benches/hugo_compare.sh [PAGES_PER_SITE]     (default 16: 1,789 sites × 16 = 28,624 pages)
#
# Generates a Hugo site (one section per site, ~1,800 Japanese characters per page with a
# heading, list, table and links, a nav over sibling pages, minimal theme) and the same pages
# as an outreach project, then times both builds with /usr/bin/time -v on this machine and
# prints the wall-time ratio and peak RSS. Needs: hugo (apt-get install hugo), /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=1789
PAGES="${1:-16}"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/outreach-hugo.XXXXXX)}"
command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo)"; exit 1; }

cargo build --release --quiet
BIN=target/release/outreach
"$BIN" bench --pages "$PAGES" --work "$WORK/outreach" --hugo-site "$WORK/hugo"

measure() { # label, command...
  local label="$1"; shift
  /usr/bin/time -v "$@" > "$WORK/$label.out" 2> "$WORK/$label.time"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$label.time")
  echo "$label: wall $wall, peak RSS $((rss / 1024)) MiB"
}

rm -rf "$WORK/hugo/public" "$WORK/outreach/public"
measure hugo hugo --quiet --source "$WORK/hugo" --destination "$WORK/hugo/public"
measure outreach "$BIN" build --project "$WORK/outreach/project" --out "$WORK/outreach/public" --date 2026-11-29 --timings --no-images

hugo_pages=$(find "$WORK/hugo/public" -name '*.html' | wc -l)
our_pages=$(find "$WORK/outreach/public" -name '*.html' | wc -l)
echo "HTML pages: hugo $hugo_pages, outreach $our_pages"
python3 - "$WORK" <<'PY'
import re, sys
work = sys.argv[1]
def seconds(label):
    text = open(f"{work}/{label}.time").read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    h, mnt, s = m.groups()
    return int(h or 0) * 3600 + int(mnt) * 60 + float(s)
h, o = seconds("hugo"), seconds("outreach")
print(f"wall time: hugo {h:.2f} s, outreach {o:.2f} s, outreach/hugo = {o / h:.3f} (target ≤ 0.25)")
PY
echo "details in $WORK"
