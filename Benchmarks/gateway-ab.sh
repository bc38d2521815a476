#!/usr/bin/env bash
# Two builds of the gateway compared in turn, under the load of Benchmarks/gateway-vs-php.sh
# (wrk posting the contact form through nginx to `guichet gateway fastcgi`, SQLite with
# synchronous=FULL). For changes whose effect is smaller than this shared machine's drift:
# runs alternate A, B, A, B… so that both see the same moments of the machine.
#
#   Benchmarks/gateway-ab.sh [--pairs N] [--duration S] [--connections C] [--threads] BINARY_A BINARY_B
#
# Copy a build aside before changing the code (cp .build/release/guichet /tmp/guichet-a).
# Each run starts on a fresh database after 3 s of warm-up; printed per run: requests/s, p50
# and p99 (wrk), the gateway's CPU time per stored submission, and the size of the write-ahead
# log at the end of the run; with --threads, also the CPU time per stored submission of each
# group of the gateway's threads, by name (/proc/PID/task: the NIO event loops, Swift's pool
# "…default-qos", the dispatch threads of SQLite's writer and checkpointer "…qos.overcommit").
# Needs: nginx-light wrk sqlite3 curl (scripts/install-deps.sh --bench).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
here="$repo/Benchmarks/gateway"
# shellcheck source=gateway/contact-body.sh
. "$here/contact-body.sh"
pairs=3 duration=10 conns=16 per_thread=0
usage() { echo "usage: $0 [--pairs N] [--duration S] [--connections C] [--threads] BINARY_A BINARY_B" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) [ $# -ge 2 ] || usage; pairs=$2; shift ;;
    --duration) [ $# -ge 2 ] || usage; duration=$2; shift ;;
    --connections) [ $# -ge 2 ] || usage; conns=$2; shift ;;
    --threads) per_thread=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) usage ;;
    *) break ;;
  esac
  shift
done
[ $# = 2 ] || usage
case "$pairs$duration$conns" in ''|*[!0-9]*) usage ;; esac
binaries=("$1" "$2")
for binary in "${binaries[@]}"; do [ -x "$binary" ] || { echo "not an executable: $binary" >&2; exit 2; }; done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for tool in "$nginx" wrk sqlite3 curl; do command -v "$tool" >/dev/null || { echo "$tool not found (scripts/install-deps.sh --bench)" >&2; exit 2; }; done

work=$(mktemp -d "${TMPDIR:-/tmp}/gateway-ab.XXXXXX")
chmod 755 "$work"
nginx_pid="" gateway_pid=""
cleanup() {
  [ -z "$gateway_pid" ] || { kill -KILL "$gateway_pid" 2>/dev/null || true; wait "$gateway_pid" 2>/dev/null || true; }
  [ -z "$nginx_pid" ] || { kill -TERM "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; }
  rm -rf -- "$work"
}
trap cleanup EXIT

# The form's digest, from the 422 page of the first binary, and the body of the benchmark.
digest=$(contact_body "${binaries[0]}" "$repo" "$work" "$work/body.txt")

# nginx with the benchmark's configuration (its PHP location stays unused here).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root root;"
mkdir -p "$work/nginx-tmp"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$user_line|" -e "s|@HERE@|$here|g" \
    -e "s|@PHP_SCRIPT@|/nonexistent|" -e "s|@DIGEST@|$digest|" -e "s|@PERSISTENT@|1|" "$here/nginx.conf" > "$work/nginx.conf"
"$nginx" -q -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 100); do [ -s "$work/nginx.pid" ] && break; sleep 0.05; done
[ -s "$work/nginx.pid" ] || { cat "$work/nginx-error.log" >&2; echo "nginx did not start" >&2; exit 1; }

url="http://127.0.0.1:$port"
hz=$(getconf CLK_TCK)
# Clock ticks used so far by each group of PID's threads with the same name: "name ticks" lines.
thread_ticks() {
  local task
  for task in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ < "$task/comm")" "$(sed 's/.*) //' "$task/stat" | awk '{ print $12 + $13 }')"
  done | awk '{ ticks[$1] += $2 } END { for (name in ticks) print name, ticks[name] }' | sort
}
run() {
  local label=$1 binary=$2 socket="$work/guichet.sock" db="$work/run/queue.sqlite"
  rm -rf "$work/run" "$socket"
  mkdir -p "$work/run"
  "$binary" gateway fastcgi --root "$repo" --socket "$socket" --db "$db" --smtp "smtp://127.0.0.1:1" 2>"$work/run/guichet.log" &
  gateway_pid=$!
  for _ in $(seq 1 200); do [ -S "$socket" ] && break; sleep 0.05; done
  [ -S "$socket" ] || { cat "$work/run/guichet.log" >&2; echo "$label did not start" >&2; exit 1; }
  wrk -t 2 -c "$conns" -d 3s -s "$here/post-form.lua" "$url" -- /guichet/formulaires/contact "$work/body.txt" >/dev/null 2>&1 || true
  sleep 0.5
  local rows0 cpu0 rows1 cpu1 line wal
  rows0=$(sqlite3 "$db" "PRAGMA busy_timeout = 10000; SELECT COUNT(*) FROM submissions;" | tail -n 1)
  cpu0=$(awk '{ print $14 + $15 }' "/proc/$gateway_pid/stat")
  [ "$per_thread" = 0 ] || thread_ticks "$gateway_pid" > "$work/run/threads0.txt"
  wrk -t 2 -c "$conns" -d "${duration}s" --timeout 10s -s "$here/post-form.lua" "$url" -- /guichet/formulaires/contact "$work/body.txt" > "$work/run/wrk.txt" 2>&1 || true
  cpu1=$(awk '{ print $14 + $15 }' "/proc/$gateway_pid/stat")
  [ "$per_thread" = 0 ] || thread_ticks "$gateway_pid" > "$work/run/threads1.txt"
  wal=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
  sleep 0.5
  kill -KILL "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true; gateway_pid=""
  rows1=$(sqlite3 "$db" "PRAGMA busy_timeout = 10000; SELECT COUNT(*) FROM submissions;" | tail -n 1)
  line=$(grep '^RESULT ' "$work/run/wrk.txt" || true)
  [ -n "$line" ] || { cat "$work/run/wrk.txt" >&2; echo "$label: wrk printed no result" >&2; exit 1; }
  grep '^UNEXPECTED' "$work/run/wrk.txt" >&2 || true
  set -- $(echo "$line" | sed 's/^RESULT //; s/[a-z0-9_]*=//g')
  awk -v l="$label" -v r="$1" -v s="$2" -v p50="$3" -v p99="$4" -v bad=$(($7 + $8 + $9)) -v c0="$cpu0" -v c1="$cpu1" \
      -v hz="$hz" -v n=$((rows1 - rows0)) -v wal="$wal" 'BEGIN {
    printf "%s  %7.0f req/s  p50 %5.2f ms  p99 %6.2f ms  cpu %4.0f us/submission  log %4.0f MB  non-303 %d\n",
      l, r / s, p50 / 1000, p99 / 1000, (n > 0 ? (c1 - c0) / hz / n * 1e6 : 0), wal / 1e6, bad }'
  if [ "$per_thread" = 1 ] && [ $((rows1 - rows0)) -gt 0 ]; then
    join -a 2 -e 0 -o 0,1.2,2.2 "$work/run/threads0.txt" "$work/run/threads1.txt" \
      | awk -v hz="$hz" -v n=$((rows1 - rows0)) '$3 > $2 { printf "     %-24s %6.1f us/submission\n", $1, ($3 - $2) / hz / n * 1e6 }'
  fi
}

echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $conns connections, ${duration} s per run"
echo "   A = ${binaries[0]}"
echo "   B = ${binaries[1]}"
for pair in $(seq 1 "$pairs"); do
  run "A" "${binaries[0]}"
  run "B" "${binaries[1]}"
done
