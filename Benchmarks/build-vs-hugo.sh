#!/usr/bin/env bash
# Times `guichet build` (release) against Hugo on the same N synthetic pages.
#
#   Benchmarks/build-vs-hugo.sh [--no-swift-build] [--keep] [--runs K] [N]   (N: 10000)
#
#   --no-swift-build  do not run `swift build -c release --product guichet` first; the Guichet
#                     half is then skipped if .build/release/guichet does not exist
#   --runs K          build K times with each tool, alternating, and report the median time
#                     (default 1; 3 is worth it on a shared machine)
#   --keep            keep the temporary folder (sites, outputs, logs) and print its path
#
# Benchmarks/gen_pages.py writes the pages once, as a Guichet site and as a Hugo site (same
# text, same folders; see its header). Each build goes into a fresh output folder, under
# /usr/bin/time for wall time and peak RSS. Prints: tool, pages, seconds, pages/s, peak MB, and
# for each Guichet build the time of its stages (load, plan, render, RGAA check, write).
#
# Timing traps of these VMs (shared/NOTES.md): writing many files right after deleting a large
# tree is 3-10x slower for 30-60 s, so no output folder is ever deleted before a build, and
# the temporary folder is deleted in the background once everything is measured. Running this
# script twice in a row therefore measures the second run while the first one's folder is
# being deleted: leave a minute between runs. Touching new memory is slow too, which makes
# the first build of a session slower than the next ones: hence --runs.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
n=10000
runs=1
swift_build=1
keep=0
usage() { echo "usage: $0 [--no-swift-build] [--keep] [--runs K] [N]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --no-swift-build) swift_build=0 ;;
    --keep) keep=1 ;;
    --runs) [ $# -ge 2 ] || usage; runs=$2; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) n=$1 ;;
  esac
  shift
done
case "$n$runs" in *[!0-9]*) usage ;; esac
[ "$n" -gt 0 ] && [ "$runs" -gt 0 ] || usage

for tool in hugo python3; do
  command -v "$tool" >/dev/null || { echo "$tool not found (scripts/install-deps.sh --test)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time (scripts/install-deps.sh --test)" >&2; exit 2; }

guichet="$repo/.build/release/guichet"
if [ "$swift_build" = 1 ]; then
  echo "== swift build -c release --product guichet"
  (cd "$repo" && swift build -c release --product guichet)
fi
skip_guichet=""
[ -x "$guichet" ] || skip_guichet="no binary at $guichet"
[ -d "$repo/Theme" ] || skip_guichet="no Theme/ in $repo"

work=$(mktemp -d "${TMPDIR:-/tmp}/guichet-bench.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then
    echo "kept: $work"
  else
    # Background and detached: deleting 4 x N files takes a while and nothing waits for it.
    nohup rm -rf -- "$work" >/dev/null 2>&1 &
  fi
}
trap cleanup EXIT

echo "== generating $n pages in $work"
config_arg=()
[ -f "$repo/guichet.yaml" ] && config_arg=(--config "$repo/guichet.yaml")
python3 "$repo/Benchmarks/gen_pages.py" "$n" --guichet "$work/guichet-site" --hugo "$work/hugo-site" "${config_arg[@]}"
[ -d "$repo/Theme" ] && cp -r "$repo/Theme" "$work/guichet-site/Theme"
# Flush the freshly written sources to disk now rather than during the first timed build.
sync

results="$work/results"   # one line per build: tool seconds peak-KB cpu-seconds html-files status
: > "$results"

# measure NAME OUT_DIR COMMAND...: runs COMMAND under /usr/bin/time; OUT_DIR must not exist yet.
measure() {
  local name=$1 out=$2 status=ok
  shift 2
  local log="$out.log" timing="$out.time"
  if ! /usr/bin/time -f "%e s %M KB %U %S" -o "$timing" "$@" >"$log" 2>&1; then
    status=failed
    tail -n 20 "$log" >&2
  fi
  # On failure time(1) writes "Command exited with non-zero status N" first: take the last line.
  local secs kb user sys html
  read -r secs _ kb _ user sys < <(tail -n 1 "$timing")
  html=$( (find "$out" -name '*.html' 2>/dev/null || true) | wc -l)  # a failed build may leave no folder
  echo "$name $secs $kb $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $html $status" >> "$results"
  printf '   %-8s %6.2f s  %5.0f MB  %s\n' "$name" "$secs" "$((kb / 1024))" "$status"
  # Guichet times its own stages ("Site construit : … (7.71 s : 0.42 s, 0.11 s, 2.05 s, 4.43 s,
  # 0.72 s)."): print them, named, to see which stage a change moved.
  if [ "$name" = guichet ]; then
    sed -n 's/.*(\([0-9.]*\) s : \([0-9.]*\) s, \([0-9.]*\) s, \([0-9.]*\) s, \([0-9.]*\) s, \([0-9.]*\) s)\..*/            load \2 s, plan \3 s, render \4 s, RGAA check \5 s, write \6 s/p' "$log"
  fi
}

[ -n "$skip_guichet" ] && echo "== guichet: skipped ($skip_guichet)"
for run in $(seq 1 "$runs"); do
  echo "== run $run/$runs"
  measure hugo "$work/out-hugo-$run" \
    hugo --quiet --source "$work/hugo-site" --cacheDir "$work/hugo-cache" -d "$work/out-hugo-$run"
  if [ -z "$skip_guichet" ]; then
    measure guichet "$work/out-guichet-$run" \
      "$guichet" build --root "$work/guichet-site" --output "$work/out-guichet-$run"
  fi
done

echo
echo "$(nproc) cores; $(hugo version | cut -d' ' -f2); median of $runs run(s); pages = generated"
echo "pages (.html out also counts folder, required and menu pages; Guichet also runs its RGAA"
echo "checker); cpu s = user + system time (above seconds: more than one core busy)"
printf '%-8s %7s %8s %8s %8s %8s %10s\n' tool pages seconds pages/s "peak MB" "cpu s" ".html out"
for tool in hugo guichet; do
  grep "^$tool " "$results" | sort -k2,2n | awk -v n="$n" '
    { secs[NR] = $2; cpu[NR] = $4; if ($3 > kb) kb = $3; html = $5; if ($6 != "ok") failed = 1; t = $1 }
    END {
      if (NR == 0) exit
      m = int((NR + 1) / 2)   # median (lines are sorted by seconds)
      printf "%-8s %7d %8.2f %8.0f %8.0f %8.1f %10d%s\n", t, n, secs[m], (secs[m] > 0 ? n / secs[m] : 0),
        kb / 1024, cpu[m], html, (failed ? "  FAILED" : "")
    }'
done

# A failed build is not a result: say so in the exit status.
! grep -qv ' ok$' "$results"
