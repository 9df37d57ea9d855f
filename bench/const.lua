-- wrk script for the constant-response ceiling: same request shape as lookup.lua.
function request()
  return wrk.format("GET", "/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C255081416802538",
                    { Authorization = "Bearer x" })
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d errors_connect=%d " ..
                         "errors_read=%d p50_us=%d p99_us=%d duration_us=%d\n",
                         summary.requests, summary.errors.status, summary.errors.connect,
                         summary.errors.read, latency:percentile(50), latency:percentile(99),
                         summary.duration))
end
