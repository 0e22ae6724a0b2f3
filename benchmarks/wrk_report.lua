-- wrk prints p50/p75/p90/p99 only; this adds p95 in a line benchmarks/scale.py reads.
-- The last number: requests answered with a status of 400 or more.
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.errors.status))
end
