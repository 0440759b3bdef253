-- wrk script for the clickstream collector: every request is the same POST.
-- bench/collector.py passes the request in the environment, so this file stays fixed:
--   BENCH_POST_BODY    the JSON body, e.g. {"events": [...]}
--   BENCH_POST_ORIGIN  the Origin header, the server's own http://host:port (same origin)
--   BENCH_POST_COOKIE  the Cookie header: consent with statistics, visitor id, visit
--   BENCH_POST_USER_AGENT  a browser's User-Agent: without one the shop takes wrk for a bot
--                      and stores nothing (it still answers 204)
-- No response() callback: it would cost wrk CPU on every answer. wrk itself counts the
-- answers with status >= 400 ("Non-2xx or 3xx responses"), and the bench checks the rows.

local function required(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set")
  end
  return value
end

wrk.method = "POST"
wrk.body = required("BENCH_POST_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = required("BENCH_POST_ORIGIN")
wrk.headers["Cookie"] = required("BENCH_POST_COOKIE")
wrk.headers["User-Agent"] = required("BENCH_POST_USER_AGENT")
