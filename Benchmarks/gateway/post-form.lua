-- wrk script of Benchmarks/gateway-vs-php.sh: POSTs one urlencoded form to the path given
-- as the first argument after `--`, with the body read from the file given as the second,
-- and an Origin header equal to the Host wrk sends (same-origin submission).
--   wrk ... -s post-form.lua http://127.0.0.1:PORT -- /guichet/formulaires/contact body.txt
-- Counts answers by status in each thread; done() prints one line that the script parses:
--   RESULT requests=N seconds=S p50_us=.. p99_us=.. max_us=.. s303=N other=N socket_errors=N timeouts=N
-- and the first few unexpected statuses seen, if any. When WRK_RECEIPTS names a file, done()
-- also writes there the reference of every 303 (from Location: …/suivi/REF?cle=…), one a line,
-- so the script can check that each receipted submission is in the database.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local path, file = args[1], args[2]
  local f = assert(io.open(file, "rb"))
  local body = f:read("*a")
  f:close()
  local host = wrk.host .. ":" .. wrk.port
  wrk.method = "POST"
  wrk.path = path
  wrk.body = body
  wrk.headers["Host"] = host
  wrk.headers["Origin"] = wrk.scheme .. "://" .. host
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  s303, other, seen = 0, 0, ""
  receipts = {}
end

function response(status, headers, body)
  if status == 303 then
    s303 = s303 + 1
    receipts[s303] = string.match(headers["Location"] or "", "/suivi/([^?]+)") or "?"
  else
    other = other + 1
    if #seen < 60 then seen = seen .. " " .. status end
  end
end

function done(summary, latency, requests)
  local ok, bad, seen_all = 0, 0, ""
  local path = os.getenv("WRK_RECEIPTS")
  local out = path and path ~= "" and assert(io.open(path, "w")) or nil
  for _, t in ipairs(threads) do
    if out then
      for _, reference in ipairs(t:get("receipts")) do out:write(reference, "\n") end
    end
    ok = ok + t:get("s303")
    bad = bad + t:get("other")
    local s = t:get("seen")
    if s ~= nil and s ~= "" then seen_all = seen_all .. s end
  end
  if out then out:close() end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f p50_us=%d p99_us=%d max_us=%d s303=%d other=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99), latency.max,
    ok, bad, e.connect + e.read + e.write, e.timeout))
  if seen_all ~= "" then io.write("UNEXPECTED statuses:" .. seen_all .. "\n") end
end
