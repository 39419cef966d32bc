-- wrk script of `python -m tests.bench` (tests/bench/wrk.py).
-- Arguments after `--`: an optional Cookie header value (a signed-in member's session).
-- Prints one line the harness parses: requests, seconds, p50/p99 latency (microseconds),
-- non-2xx/3xx answers and socket errors.

init = function(args)
  if args[1] ~= nil and args[1] ~= "" then
    wrk.headers["Cookie"] = args[1]
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-WRK requests=%d micros=%d p50=%d p99=%d status=%d socket=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout
  ))
end
