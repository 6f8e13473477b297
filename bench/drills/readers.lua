-- wrk script for the resilience drills: GET a random path from $DRILL_PATHS (one a line,
-- repeated lines weigh more) and count every answer by the second it came in and its status.
-- done() writes "<unix second> <status> <count>" lines, a summary and latency percentiles
-- (microseconds) to $DRILL_WRK_OUT.

local paths = {}
counts = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("DRILL_PATHS")) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  math.randomseed(os.time() + #threads + tonumber(tostring(paths):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  local key = os.time() .. " " .. status
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("DRILL_WRK_OUT"), "w")
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("counts")) do
      out:write(key .. " " .. n .. "\n")
    end
  end
  local e = summary.errors
  out:write(string.format("summary %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout))
  for _, p in ipairs({50, 90, 99}) do
    out:write(string.format("latency p%d %d\n", p, latency:percentile(p)))
  end
  out:write(string.format("latency max %d\n", latency.max))
  out:close()
end
