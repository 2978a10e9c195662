-- wrk script of `make bench`: every request captures a fresh order, never one captured before.
-- BENCH_ORDERS: a file of order numbers, one a line (this round's share, never reused);
-- BENCH_TOKEN: the Authorization value; BENCH_THREADS: wrk's -t; BENCH_HOSTS (optional):
-- "host:port,host:port" to spread the threads round-robin over several instances.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  local hosts = os.getenv("BENCH_HOSTS")
  if hosts and hosts ~= "" then
    local list = {}
    for entry in string.gmatch(hosts, "[^,]+") do list[#list + 1] = entry end
    local host, port = string.match(list[(next_id % #list) + 1], "^(.+):(%d+)$")
    thread.addr = wrk.lookup(host, port)[1]
  end
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  nthreads = tonumber(os.getenv("BENCH_THREADS"))
  token = os.getenv("BENCH_TOKEN")
  path = os.getenv("BENCH_PATH") or "/api/v1/capture-order/"
  orders = {}
  for line in io.lines(os.getenv("BENCH_ORDERS")) do orders[#orders + 1] = line end
  counter = 0
end

function request()
  local number = orders[id + counter * nthreads + 1] or "bench-exhausted"
  counter = counter + 1
  local body = '{"order":"' .. number .. '"}'
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = token,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
