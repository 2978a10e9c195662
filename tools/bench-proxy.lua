-- wrk script: every request captures a fresh order, taken from a file of order numbers.
-- wrk -s tools/bench-proxy.lua URL -- ORDERS_FILE TOKEN [PAUSE_MS] ; threads take disjoint
-- slices. PAUSE_MS > 0: each connection waits 0 to 2 x PAUSE_MS (uniformly) before its next
-- request: a paced load below the machine's capacity, where latency shows the proxy's hop, not a
-- CPU queue; the jitter keeps the connections from firing in step.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  orders = {}
  for line in io.lines(args[1]) do orders[#orders + 1] = line end
  token = args[2]
  index = id + 1
  statuses = {}
  local pause = tonumber(args[3] or "0")
  if pause > 0 then
    math.randomseed(id + 1)
    delay = function() return math.random() * 2 * pause end
  end
end

function request()
  local number = orders[index]
  index = index + 2  -- two threads: odd and even lines
  if number == nil then number = "exhausted-" .. index end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = token,
  }, '{"order": "' .. number .. '"}')
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(counts) do parts[#parts + 1] = code .. ":" .. n end
  io.write(string.format("RESULT p50_ms=%.2f p99_ms=%.2f requests=%d statuses=%s\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    table.concat(parts, ",")))
end
