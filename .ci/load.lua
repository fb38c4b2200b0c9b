-- The load run's mix (.ci/load.sh): 60 % page views, 25 % searches, 15 % logins with a wrong
-- password on one account — the account whose owner must still sign in. Counts the statuses.
local pages = { "/", "/annuaire", "/catalogue", "/marches", "/programmation", "/sourcage", "/groupements", "/labels", "/analyses" }
local searches = { "/marches?q=voirie", "/annuaire?q=menuiserie", "/catalogue?q=pain", "/marches?q=nettoyage&page=2",
  "/programmation?q=restauration", "/catalogue?q=electricite", "/annuaire?q=insertion" }
local threads = {}
local n = 0

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  statuses = {}
end

request = function()
  n = n + 1
  local r = math.random(100)
  if r <= 60 then
    return wrk.format("GET", pages[math.random(#pages)])
  elseif r <= 85 then
    return wrk.format("GET", searches[math.random(#searches)])
  end
  local body = "email=menuisier%40demo.passerelle.example&password=pas-le-bon-" .. n
  return wrk.format("POST", "/api/auth/login",
    { ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "application/json" }, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do
      total[k] = (total[k] or 0) + v
    end
  end
  for k, v in pairs(total) do
    io.write(string.format("status %d: %d\n", k, v))
  end
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("requests: %d in %.1f s (%.0f/s); latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
