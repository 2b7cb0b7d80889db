-- wrk script shared by every scenario, for the app and for the yardstick alike.
--
--   wrk ... URL -s bench/wrk.lua -- get                 anonymous GETs of URL
--   wrk ... URL -s bench/wrk.lua -- get  CLIENTS_FILE   GETs, thread n signed in as client n
--   wrk ... URL -s bench/wrk.lua -- vote CLIENTS_FILE   POST value=1, 0, 1, 0 ... (vote, retract)
--
-- Run with as many threads as connections (-t N -c N): each thread is then one client with one
-- connection and its own session cookie and CSRF token (one line "cookie csrf" per client in
-- CLIENTS_FILE). done() prints one JSON line, prefixed "RESULT ", that bench/run.py reads.

local threads = {}
local next_id = 0
local user_agent = "ideaforge-bench"

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   table.insert(threads, thread)
end

function init(args)
   mode = args[1] or "get"
   local clients_file = args[2]
   cookie, csrf = nil, nil
   if clients_file then
      local n = 0
      for line in io.lines(clients_file) do
         n = n + 1
         if n == id then
            cookie, csrf = line:match("^(%S+)%s+(%S+)$")
         end
      end
      if cookie == nil then
         error("no client line " .. id .. " in " .. clients_file)
      end
   end
   value = 1
   statuses = {}
   local headers = {["User-Agent"] = user_agent}
   if cookie then headers["Cookie"] = "session=" .. cookie end
   if mode == "get" then
      fixed = wrk.format("GET", nil, headers, nil)
   end
end

function request()
   if mode == "get" then
      return fixed
   end
   local body = "value=" .. value .. "&context=list"
   value = 1 - value
   return wrk.format("POST", nil, {
      ["User-Agent"] = user_agent,
      ["Cookie"] = "session=" .. cookie,
      ["X-CSRFToken"] = csrf,
      ["HX-Request"] = "true",
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local counts = {}
   for _, thread in ipairs(threads) do
      local seen = thread:get("statuses")
      for status, n in pairs(seen) do
         counts[status] = (counts[status] or 0) + n
      end
   end
   local parts = {}
   for status, n in pairs(counts) do
      table.insert(parts, string.format('"%d": %d', status, n))
   end
   local e = summary.errors
   io.write(string.format(
      'RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
      '"max_us": %d, "mean_us": %.1f, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
      '"timeout": %d}, "statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout,
      table.concat(parts, ", ")))
end
