#!/usr/bin/env bash
# Times the RGAA checker (`guichet check`, release) on N demo-like pages and prints pages/s.
#
#   Benchmarks/check-speed.sh [--no-swift-build] [--binary PATH] [--runs K] [--page P | --synthetic] [N]   (N: 5000)
#
#   --no-swift-build  do not run `swift build -c release --product guichet` first
#   --binary PATH     the guichet to time (default: .build/release/guichet of this repo); the
#                     demo site is always built with it, so compare two binaries with two runs
#   --runs K          time K checks of the same folder and report the median (default 3)
#   --page P          N copies of one page of the demo site (P relative to the site, e.g.
#                     index.html); default: all its pages in turn (content pages and forms)
#   --synthetic       instead of demo pages, the N synthetic pages of the build benchmark
#                     (Benchmarks/gen_pages.py: ~1,000 words, headings, lists, a table, links,
#                     an image), built once with the demo's theme, then checked; this is the
#                     site issue #3's target (2,000 pages/s) is measured on
#
# The pages are the demo site's own (`guichet build` of this repo, Theme/assets/guichet.css
# linked from every page), copied as many times as needed to reach N pages, each copy in its
# own folder, with the style sheet once at the root so that `/assets/guichet.css` resolves.
# The machine is shared: compare binaries in the same session, several runs each.
# The check runs on every core (2 here); its report goes to /dev/null. Prints one line per
# run and the median: pages, seconds, pages/s, user+sys CPU seconds.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
n=5000
runs=3
swift_build=1
binary=""
only=""
synthetic=0
usage() { echo "usage: $0 [--no-swift-build] [--binary PATH] [--runs K] [--page P | --synthetic] [N]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --no-swift-build) swift_build=0 ;;
    --binary) shift; [ $# -gt 0 ] || usage; binary=$1 ;;
    --runs) shift; [ $# -gt 0 ] || usage; runs=$1 ;;
    --page) shift; [ $# -gt 0 ] || usage; only=$1 ;;
    --synthetic) synthetic=1 ;;
    -h|--help) usage ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] || usage; n=$1 ;;
  esac
  shift
done

cd "$repo"
if [ -z "$binary" ]; then
  if [ "$swift_build" = 1 ]; then swift build -c release --product guichet >&2; fi
  binary="$repo/.build/release/guichet"
fi
[ -x "$binary" ] || { echo "no guichet binary at $binary" >&2; exit 2; }

work=$(mktemp -d /tmp/check-speed.XXXXXX)
trap 'rm -rf "$work" &' EXIT
"$binary" build --output "$work/demo" >/dev/null
if [ "$synthetic" = 1 ]; then
  config_arg=()
  [ -f "$repo/guichet.yaml" ] && config_arg=(--config "$repo/guichet.yaml")
  python3 "$repo/Benchmarks/gen_pages.py" "$n" --guichet "$work/site" --hugo "$work/hugo-unused" "${config_arg[@]}" >/dev/null
  cp -r "$repo/Theme" "$work/site/Theme"
  "$binary" build --root "$work/site" --output "$work/pages" >/dev/null
  made=$(find "$work/pages" -name '*.html' | wc -l)
  echo "$made pages (synthetic, $n generated + folder and required pages), $(nproc) cores, $binary" >&2
else
  mkdir -p "$work/pages/assets"
  cp "$work/demo/assets/guichet.css" "$work/pages/assets/"
  if [ -n "$only" ]; then
    [ -f "$work/demo/$only" ] || { echo "no page $only in the demo site" >&2; exit 2; }
    demo=("./$only")
  else
    mapfile -t demo < <(cd "$work/demo" && find . -name '*.html' | sort)
  fi
  [ "${#demo[@]}" -gt 0 ] || { echo "the demo site has no page" >&2; exit 2; }
  made=0
  copy=0
  while [ "$made" -lt "$n" ]; do
    copy=$((copy + 1))
    for page in "${demo[@]}"; do
      [ "$made" -lt "$n" ] || break
      target="$work/pages/copy-$copy/${page#./}"
      mkdir -p "$(dirname "$target")"
      cp "$work/demo/$page" "$target"
      made=$((made + 1))
    done
  done
  echo "$made pages (${#demo[@]} demo pages, $copy copies), $(nproc) cores, $binary" >&2
fi

times=()
for run in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/cpu" "$binary" check "$work/pages" >/dev/null || true
  end=$(date +%s.%N)
  seconds=$(echo "$end - $start" | bc -l)
  cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/cpu")
  rate=$(echo "$made / $seconds" | bc -l)
  printf 'run %d: %d pages in %.3f s, %.0f pages/s (cpu %s s)\n' "$run" "$made" "$seconds" "$rate" "$cpu"
  times+=("$seconds")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
printf 'median: %d pages in %.3f s, %.0f pages/s\n' "$made" "$median" "$(echo "$made / $median" | bc -l)"
