-- Shared by the wrk scripts: one machine-readable summary line for scripts/bench.sh.
function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d errors_connect=%d " ..
                         "errors_read=%d p50_us=%d p99_us=%d duration_us=%d\n",
                         summary.requests, summary.errors.status, summary.errors.connect,
                         summary.errors.read, latency:percentile(50), latency:percentile(99),
                         summary.duration))
end
