// Shared by every suite: the tolerances `swift package benchmark thresholds check` (and `baseline check`) apply
// when comparing a run with the p90 values checked in under Benchmarks/Thresholds/ (docs/benchmarks.md §10).
//
// Benchmark names contain no spaces and no '/': `thresholds update` writes `Target.name.p90.json` with both
// replaced by '_', but `thresholds check` and `read` look for the name as it is (package-benchmark 1.38.1), so a
// name with a space never finds its thresholds.
import Benchmark

public enum RelaisBenchmarks {
    /// Tolerances per metric.
    ///
    /// * `mallocCountTotal`: exact. Allocation counts do not depend on the machine's load, so any change (up or
    ///   down) fails the check until the thresholds are updated on purpose.
    /// * `wallClock`: p90 may be up to 10× the checked-in p90 (relative 900 %); that is all `thresholds check`
    ///   looks at (it compares p90 only). This VM is shared: with another benchmark and a build on the two cores,
    ///   p90 of `compact-decode-scanner` (1000 reports, ~1 ms per sample, about one scheduler time slice) reached
    ///   7× its checked-in value, so only order-of-magnitude regressions (an accidental quadratic loop, a lost
    ///   fast path on a large input) can be caught this way. A relative tolerance of 100 % or more never reports
    ///   an "improvement" (that would need a negative time), so a fast machine passes too. The p50 tolerance
    ///   (±50 %) is for `baseline check` between two runs on one machine; `baseline compare` shows every percentile.
    /// * `throughput` is wall clock inverted, and `instructions` is not available on this VM (no perf counters):
    ///   neither is checked.
    public static var thresholds: [BenchmarkMetric: BenchmarkThresholds] {
        [
            .mallocCountTotal: .init(absolute: [.p50: 0, .p90: 0]),
            .wallClock: .init(relative: [.p50: 50, .p90: 900]),
            .throughput: .none,
            .instructions: .none,
        ]
    }

    /// A suite's default configuration: `metrics`, the tolerances above for those metrics, at most 3 s per
    /// benchmark. `scalingFactor` `.kilo` (1000 operations per sample) suits operations under a microsecond or
    /// so; slower ones use `.one` for more samples in the 3 s.
    public static func configuration(
        metrics: [BenchmarkMetric] = metrics, warmupIterations: Int, scalingFactor: BenchmarkScalingFactor = .kilo
    ) -> Benchmark.Configuration {
        .init(
            metrics: metrics,
            warmupIterations: warmupIterations,
            scalingFactor: scalingFactor,
            maxDuration: .seconds(3),
            thresholds: thresholds.filter { metrics.contains($0.key) }
        )
    }

    /// A compact quality report (docs/quality.md §1.1: inbound audio + video, minified, 521 bytes), as a `stats`
    /// message or a `POST /api/v1/stats` batch carries it.
    public static let compactReport = """
        {"v":1,"timestamp":1795853476583,"roundTripTime":0.012,"streams":[{"id":"a1","kind":"audio","dir":"in",\
        "codec":"opus","fec":true,"packetsReceived":5000,"packetsLost":12,"bytesReceived":450000,"jitter":0.004,\
        "jitterBufferDelay":96.0,"jitterBufferEmittedCount":4800000},{"id":"v1","kind":"video","dir":"in",\
        "codec":"vp8","packetsReceived":9000,"packetsLost":0,"bytesReceived":9900000,"framesDecoded":3000,\
        "framesDropped":0,"freezeCount":0,"totalFreezesDuration":0,"frameWidth":1280,"frameHeight":720,\
        "framesPerSecond":30}]}
        """

    /// Metrics every suite records by default (`instructions` needs perf counters, which this VM does not expose).
    public static var metrics: [BenchmarkMetric] { [.wallClock, .throughput, .mallocCountTotal] }
}
