-- wrk script of the ingest benchmark (crates/server/benches/ingest.rs runs wrk with it): every
-- request is a sync batch of records never sent before, made from the template record the
-- benchmark writes, and the run ends with one `WRK …` line the benchmark reads.
--
-- Environment: DOORSTEP_TOKEN (a courier's bearer token), DOORSTEP_RECORD_TEMPLATE (a record's
-- JSON with @ID@ and @WAYBILL@ in place of its id and waybill), DOORSTEP_BATCH (records per
-- request), DOORSTEP_FIRST_RECORD (the first record number; each thread counts from its own
-- hundred million above it, so numbers stay unique and below 2^31).

local batch = tonumber(os.getenv("DOORSTEP_BATCH"))
local first = tonumber(os.getenv("DOORSTEP_FIRST_RECORD"))
local threads = {}

function setup(thread)
   thread:set("thread_no", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(os.getenv("DOORSTEP_RECORD_TEMPLATE")))
   template = file:read("*a")
   file:close()
   counter = 0
   wrk.method = "POST"
   wrk.path = "/api/v1/sync"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = "Bearer " .. os.getenv("DOORSTEP_TOKEN")
end

function request()
   local records = {}
   for i = 1, batch do
      -- Decimal digits are hex digits too: a valid UUID that no other run uses.
      local n = first + thread_no * 100000000 + counter
      counter = counter + 1
      local id = string.format("00000000-0000-4000-8000-%012d", n)
      local waybill = string.format("SF%013d", n)
      records[i] = template:gsub("@ID@", id):gsub("@WAYBILL@", waybill)
   end
   local body = '{"cursor":0,"records":[' .. table.concat(records, ",") .. "]}"
   return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "WRK requests=%d failed=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f\n",
      summary.requests,
      e.connect + e.read + e.write + e.status + e.timeout,
      summary.duration / 1e6,
      latency:percentile(50) / 1000,
      latency:percentile(99) / 1000
   ))
end
