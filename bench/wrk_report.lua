-- wrk prints its summary for people; this adds one line for bench/run.py to read.
-- Latencies are in microseconds; errors.status counts answers that were not 2xx or 3xx.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end

-- `wrk … url -- <ms>`: each connection waits that long between its requests, so the load is a
-- steady rate (connections × 1000 / (ms + answer time)) instead of as fast as the server goes.
init = function(args)
  local pause = tonumber(args[1] or "0")
  if pause > 0 then
    delay = function() return pause end
  end
end
