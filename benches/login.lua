-- wrk script for benches/server.sh: every request is one JWT login.
--
--   LOGIN_BODY=path/to/body.json wrk -s benches/login.lua http://127.0.0.1:PORT
--
-- The body file holds {"role": ..., "jwt": ...}; it is read once. At the end one line is printed
-- for the bench to parse (latencies in microseconds):
--   RESULT requests=N non2xx=N errors=N duration_us=N p50_us=N p99_us=N

local f = assert(io.open(assert(os.getenv("LOGIN_BODY"), "LOGIN_BODY is not set"), "r"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.path = "/v1/auth/" .. (os.getenv("LOGIN_MOUNT") or "jwt") .. "/login"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d non2xx=%d errors=%d duration_us=%d p50_us=%d p99_us=%d\n",
      summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
      summary.duration, latency:percentile(50), latency:percentile(99)))
end
