#!/usr/bin/env bash
# Form submissions per second: `guichet gateway fastcgi` (release) against php-fpm, behind the
# same nginx, both storing into SQLite (WAL, synchronous=FULL).
#
#   Benchmarks/gateway-vs-php.sh [--no-swift-build] [--keep] [--perf] [--duration S]
#                                [--connections "16 24 32 64"] [--threads T] [--php-connect-per-request]
#
#   --no-swift-build  do not run `swift build -c release --product guichet` first
#   --keep            keep the temporary folder (databases, logs, configs) and print its path
#   --perf            record the gateway with `perf record -g` during its first measured run
#                     and print its hottest functions (perf.data is kept in the folder)
#   --duration S      seconds of each measured wrk run (default 20; each is preceded by 3 s of
#                     warm-up whose answers are not counted)
#   --connections L   wrk connection counts, one measured run per back end for each
#                     (default "16 24 32 64")
#   --threads T       wrk threads (default 2)
#   --php-connect-per-request  contact.php opens its SQLite connection at every request (default:
#                     one persistent PDO connection per worker, PHP's faster setup)
#
# What runs (Benchmarks/gateway/): one nginx on 127.0.0.1 (nginx.conf) in front of
#   guichet  `guichet gateway fastcgi --socket` on a Unix socket, nginx keeping connections
#            open (its documented setup), group commit into its own queue file;
#   php      php-fpm, 4 workers, pm = static (php-fpm.conf), running contact.php: the same
#            parsing, validation and rows (schema.sql: a submission, its "depot" event and the
#            e-mailed accusé d'enregistrement queued in the outbox) in
#            one IMMEDIATE transaction per request, persistent PDO connection, busy_timeout.
# wrk (post-form.lua) posts the demo's contact form (Forms/contact.yaml), 8 fields answered
# (objet, service concerné, message, réponse, nom, prénom, adresse, courriel), with the form's
# real digest (read from the gateway's 422 page) and an Origin equal to the Host.
# Each measured run starts its back end on a fresh database; after the run the back end is
# killed with SIGKILL, then the rows are counted and the reference of every 303 (its Location)
# is looked up in the database: every answer must be a 303 and every receipt a stored row, or
# the run does not count (exit status 1).
#
# The verdict compares capacities: the gateway's best throughput among the loads where its p99
# stays within 10 ms, against php-fpm's best throughput at any load (the target of issue 5:
# 5x, with p99 <= 10 ms). Each load's own ratio and p99 are printed too.
# The machine is shared and has 2 cores, which wrk, nginx and the back end share: compare the
# ratio, and run it twice. Needs: nginx-light php-fpm php-sqlite3 php-mbstring wrk sqlite3 curl
# (scripts/install-deps.sh --bench).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
here="$repo/Benchmarks/gateway"
# shellcheck source=gateway/contact-body.sh
. "$here/contact-body.sh"
duration=20
connections="16 24 32 64"
threads=2
swift_build=1
keep=0
profile=0
persistent=1
usage() { echo "usage: $0 [--no-swift-build] [--keep] [--perf] [--duration S] [--connections \"16 24 32 64\"] [--threads T] [--php-connect-per-request]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --no-swift-build) swift_build=0 ;;
    --keep) keep=1 ;;
    --perf) profile=1 ;;
    --php-connect-per-request) persistent=0 ;;
    --duration) [ $# -ge 2 ] || usage; duration=$2; shift ;;
    --connections) [ $# -ge 2 ] || usage; connections=$2; shift ;;
    --threads) [ $# -ge 2 ] || usage; threads=$2; shift ;;
    -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage ;;
  esac
  shift
done
case "$duration$threads${connections// /}" in ''|*[!0-9]*) usage ;; esac

nginx=$(command -v nginx || echo /usr/sbin/nginx)
php_fpm=$(command -v php-fpm8.2 || command -v php-fpm || ls /usr/sbin/php-fpm* 2>/dev/null | head -n 1 || true)
for tool in "$nginx" "$php_fpm" wrk sqlite3 curl; do
  [ -n "$tool" ] && command -v "$tool" >/dev/null || { echo "${tool:-php-fpm} not found (scripts/install-deps.sh --bench)" >&2; exit 2; }
done
[ "$profile" = 0 ] || command -v perf >/dev/null || { echo "perf not found" >&2; exit 2; }

guichet="$repo/.build/release/guichet"
if [ "$swift_build" = 1 ]; then
  echo "== swift build -c release --product guichet"
  (cd "$repo" && swift build -c release --product guichet)
fi
[ -x "$guichet" ] || { echo "no binary at $guichet" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench.XXXXXX")
chmod 755 "$work"
nginx_pid="" backend_pid="" backend_name=""
stop_backend() {
  # SIGKILL on purpose: rows are counted after a crash of the back end, not a clean shutdown.
  [ -n "$backend_pid" ] || return 0
  if [ "$backend_name" = php ]; then
    kill -KILL -- "-$backend_pid" 2>/dev/null || true   # its own process group (setsid)
  else
    kill -KILL "$backend_pid" 2>/dev/null || true
  fi
  wait "$backend_pid" 2>/dev/null || true
  backend_pid=""
}
cleanup() {
  stop_backend
  if [ -n "$nginx_pid" ]; then kill -TERM "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  if [ "$keep" = 1 ]; then echo "kept: $work"; else rm -rf -- "$work"; fi
}
trap cleanup EXIT

# --- The form: body and digest -------------------------------------------------------------
# The 422 page of the gateway is the form as published, with its current version field.
body="$work/body.txt"
digest=$(contact_body "$guichet" "$repo" "$work" "$body")

# --- nginx ---------------------------------------------------------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root root;"   # the sockets are 0660, owned by us
mkdir -p "$work/nginx-tmp" "$work/php"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$user_line|" \
    -e "s|@HERE@|$here|g" -e "s|@PHP_SCRIPT@|$here/contact.php|" -e "s|@DIGEST@|$digest|" -e "s|@PERSISTENT@|$persistent|" "$here/nginx.conf" > "$work/nginx.conf"
"$nginx" -q -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 100); do [ -s "$work/nginx.pid" ] && break; sleep 0.05; done
[ -s "$work/nginx.pid" ] || { cat "$work/nginx-error.log" >&2; echo "nginx did not start" >&2; exit 1; }

fpm_user=""
fpm_flags=()
if [ "$(id -u)" = 0 ]; then fpm_user=$'user = root\ngroup = root'; fpm_flags=(-R); fi
awk -v work="$work" -v user="$fpm_user" '{ gsub(/@WORK@/, work); sub(/@USER@/, user); print }' \
  "$here/php-fpm.conf" > "$work/php-fpm.conf"

# start_backend guichet|php RUN_DIR: a fresh database, then the back end, ready for requests.
start_backend() {
  local name=$1 dir=$2 socket
  mkdir -p "$dir"
  backend_name=$name
  if [ "$name" = guichet ]; then
    socket="$work/guichet.sock"
    rm -f "$socket"   # left by the previous run's SIGKILL: wait for the new one, not that one
    # --smtp to a closed port: the e-mail rows are queued with each submission, as in the PHP
    # script, but nothing is sent during the run (PHP sends nothing either); the background
    # sender gives up its pass after three refused connections.
    "$guichet" gateway fastcgi --root "$repo" --socket "$socket" --db "$dir/queue.sqlite" \
      --smtp "smtp://127.0.0.1:1" 2>"$dir/guichet.log" &
    backend_pid=$!
  else
    socket="$work/php.sock"
    rm -f "$work/php/queue.sqlite" "$work/php/queue.sqlite-wal" "$work/php/queue.sqlite-shm" "$socket"
    sqlite3 "$work/php/queue.sqlite" < "$here/schema.sql" >/dev/null
    setsid "$php_fpm" "${fpm_flags[@]}" -F -y "$work/php-fpm.conf" -d opcache.enable=1 2>"$dir/php-fpm.log" &
    backend_pid=$!
  fi
  for _ in $(seq 1 200); do [ -S "$socket" ] && break; sleep 0.05; done
  [ -S "$socket" ] || { cat "$dir/$name"*.log >&2; echo "$name did not start" >&2; exit 1; }
}

db_of() { if [ "$1" = guichet ]; then echo "$2/queue.sqlite"; else echo "$work/php/queue.sqlite"; fi; }
rows() { sqlite3 "$1" "PRAGMA busy_timeout = 10000; SELECT COUNT(*) FROM submissions;" | tail -n 1; }
# Idle and total jiffies of the whole machine, from /proc/stat.
machine_cpu() { awk '$1 == "cpu" { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
# CPU seconds (user + system) of a process and its children, from /proc.
cpu_of() {
  local total=0 p
  for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

results="$work/results"   # name conns requests seconds p50_us p99_us max_us s303 other sockerr timeouts rows cpu%
: > "$results"
path_of() { if [ "$1" = guichet ]; then echo /guichet/formulaires/contact; else echo /php/formulaires/contact; fi; }
url="http://127.0.0.1:$port"
hz=$(getconf CLK_TCK)
profiled=0

measure() {
  local name=$1 conns=$2 dir="$work/run-$1-$2" path db
  path=$(path_of "$name")
  start_backend "$name" "$dir"
  db=$(db_of "$name" "$dir")
  # One request first: a wrong setup shows its answer here rather than as 20 s of errors.
  local probe
  probe=$(curl -s -o "$dir/probe.html" -w '%{http_code}' -H "Origin: $url" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$body" "$url$path" || true)
  if [ "$probe" != 303 ]; then
    echo "$name: the probe POST got $probe, not 303:" >&2; head -c 600 "$dir/probe.html" >&2; echo >&2
    tail -n 5 "$work/nginx-error.log" "$dir"/*.log >&2 || true
    exit 1
  fi
  wrk -t "$threads" -c "$conns" -d 3s -s "$here/post-form.lua" "$url" -- "$path" "$body" >/dev/null 2>&1 || true
  sleep 1   # requests wrk abandoned at the end of the warm-up are stored before we count
  local before cpu0 cpu1 perf_pid=""
  before=$(rows "$db")
  cpu0=$(cpu_of "$backend_pid")
  local idle0 total0 idle1 total1
  read -r idle0 total0 < <(machine_cpu)
  if [ "$profile" = 1 ] && [ "$name" = guichet ] && [ "$profiled" = 0 ]; then
    perf record -g -F 999 -p "$backend_pid" -o "$work/perf.data" -- sleep "$duration" >"$work/perf-record.log" 2>&1 &
    perf_pid=$!
    profiled=1
  fi
  WRK_RECEIPTS="$dir/receipts.txt" wrk -t "$threads" -c "$conns" -d "${duration}s" --timeout 10s \
    -s "$here/post-form.lua" "$url" -- "$path" "$body" > "$dir/wrk.txt" 2>&1 || true
  cpu1=$(cpu_of "$backend_pid")
  read -r idle1 total1 < <(machine_cpu)
  [ -z "$perf_pid" ] || wait "$perf_pid" || true
  sleep 1
  stop_backend
  local after line values check
  after=$(rows "$db")
  line=$(grep '^RESULT ' "$dir/wrk.txt" || true)
  if [ -z "$line" ]; then cat "$dir/wrk.txt" >&2; echo "$name: wrk printed no result" >&2; exit 1; fi
  grep '^UNEXPECTED' "$dir/wrk.txt" >&2 || true
  # Every reference wrk got in a 303 must be a row of the database (read after the SIGKILL).
  touch "$dir/receipts.txt"
  check=$(sqlite3 "$dir/receipts.sqlite" <<EOF
CREATE TABLE r (ref TEXT);
.import $dir/receipts.txt r
ATTACH '$db' AS q;
SELECT COUNT(DISTINCT ref), (SELECT COUNT(*) FROM r WHERE ref NOT IN (SELECT reference FROM q.submissions)) FROM r;
EOF
)
  # RESULT requests=N seconds=S p50_us=.. p99_us=.. max_us=.. s303=N other=N socket_errors=N timeouts=N
  values=$(echo "$line" | sed 's/^RESULT //; s/[a-z0-9_]*=//g')
  echo "$name $conns $values $((after - before)) $(awk -v a="$cpu0" -v b="$cpu1" -v hz="$hz" -v d="$duration" \
    'BEGIN { printf "%.0f", (b - a) / hz / d * 100 }') ${check//|/ } $(((idle1 - idle0) * 100 / (total1 - total0)))" >> "$results"
  set -- $values
  printf '   %-8s %3d conns: %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  303s %d  other %d  rows %d\n' \
    "$name" "$conns" "$(echo "$1 / $2" | bc -l)" "$(echo "$3 / 1000" | bc -l)" "$(echo "$4 / 1000" | bc -l)" \
    "$6" "$(($7 + $8 + $9))" "$((after - before))"
}

echo "== $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg); wrk -t$threads, ${duration} s per run after 3 s of warm-up; nginx on 127.0.0.1:$port"
for conns in $connections; do
  echo "== $conns connections"
  measure guichet "$conns"
  measure php "$conns"
done

echo
echo "nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///'), $("$php_fpm" -v | head -n 1 | cut -d' ' -f1-2), SQLite $(sqlite3 --version | cut -d' ' -f1);"
echo "p50/p99 from wrk; non-303 = other statuses + socket errors + timeouts; rows = submissions"
echo "stored during the run, counted after SIGKILL of the back end (it may exceed the 303s by the"
echo "requests still in flight when wrk stopped, at most one per connection); lost = references of"
echo "303s absent from the database (must be 0); cpu = back end's user+system time / wall time"
echo "(200 % = both cores); idle = the machine's idle + iowait time during the run"
printf '%-8s %5s %9s %8s %8s %8s %8s %8s %8s %5s %6s %6s\n' system conns "req/s" "p50 ms" "p99 ms" "max ms" non-303 303s rows lost "cpu %" "idle %"
failed=0
while read -r name conns requests seconds p50 p99 max s303 other sockerr timeouts stored cpu distinct lost idle; do
  bad=$((other + sockerr + timeouts))
  # Every answer a 303, each 303 a distinct reference found in the database, no row fewer than 303s.
  if [ "$bad" != 0 ] || [ "$lost" != 0 ] || [ "$distinct" != "$s303" ] || [ "$stored" -lt "$s303" ] \
     || [ "$stored" -gt $((s303 + conns)) ]; then
    failed=1
  fi
  awk -v n="$name" -v c="$conns" -v r="$requests" -v s="$seconds" -v p50="$p50" -v p99="$p99" -v mx="$max" \
      -v bad="$bad" -v ok="$s303" -v st="$stored" -v lost="$lost" -v cpu="$cpu" -v idle="$idle" 'BEGIN {
    printf "%-8s %5d %9.0f %8.2f %8.2f %8.1f %8d %8d %8d %5d %6d %6d\n", n, c, r / s, p50 / 1000, p99 / 1000, mx / 1000, bad, ok, st, lost, cpu, idle }'
done < "$results"

echo
for conns in $connections; do
  g=$(awk -v c="$conns" '$1 == "guichet" && $2 == c { print $3 / $4, $6 / 1000 }' "$results")
  p=$(awk -v c="$conns" '$1 == "php" && $2 == c { print $3 / $4 }' "$results")
  read -r g_rate g_p99 <<< "$g"
  awk -v c="$conns" -v g="$g_rate" -v p="$p" -v p99="$g_p99" 'BEGIN {
    printf "%3d conns: guichet/php = %.2fx throughput at the same load; guichet p99 %.2f ms%s\n",
      c, (p > 0 ? g / p : 0), p99, (p99 <= 10 ? "" : " (over 10 ms)") }'
done
# The target (issue 5): 5x php-fpm's throughput with p99 <= 10 ms. Compared here as capacities:
# the gateway's best throughput among the loads where its p99 stays within 10 ms, against
# php-fpm's best throughput at any load, whatever its p99 (php-fpm's p99 is hundreds of ms).
verdict=0
awk '$1 == "guichet" && $6 / 1000 <= 10 && $3 / $4 > g { g = $3 / $4; gc = $2; gp = $6 / 1000 }
     $1 == "php" && $3 / $4 > p { p = $3 / $4; pc = $2; pp = $6 / 1000 }
     END {
       if (g == 0) { printf "guichet: p99 over 10 ms at every load measured\n"; exit 1 }
       printf "capacity: guichet %.0f req/s with p99 %.2f ms (%d conns); php-fpm at best %.0f req/s (%d conns, p99 %.0f ms)\n", g, gp, gc, p, pc, pp
       printf "guichet/php = %.2fx; target (>= 5x with p99 <= 10 ms): %s\n", g / p, (g >= 5 * p ? "met" : "NOT met")
       exit g >= 5 * p ? 0 : 1 }' "$results" || verdict=1

if [ "$profile" = 1 ] && [ -s "$work/perf.data" ]; then
  echo
  echo "== perf: the gateway's own functions, time including callees (first guichet run)"
  demangle=cat
  command -v swift >/dev/null && demangle="swift demangle --simplified"
  perf report -i "$work/perf.data" --children --sort sym -g none --stdio 2>/dev/null \
    | grep -E '\$s(7Gateway|7FormKit|10Transports|5Queue|12GuichetModel|9Rendering)' | head -n 25 \
    | $demangle | cut -c1-150 || true
  echo "== perf: self time, all code"
  perf report -i "$work/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null \
    | grep -E '^ +[0-9]' | head -n 15 | $demangle | cut -c1-150 || true
  keep=1
fi

[ "$failed" = 0 ] || { echo "some run does not count: an answer was not a 303, or a receipted submission is not in the database" >&2; exit 1; }
[ "$verdict" = 0 ] || echo "target not met"
exit 0
