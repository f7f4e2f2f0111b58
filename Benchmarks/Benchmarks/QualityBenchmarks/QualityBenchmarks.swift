// RelaisQuality benchmarks: decode and decode+update per report, compact and browser formats,
// with allocation counts, against Foundation's JSONDecoder on the same bytes in the same run.
//
// Run: cd Benchmarks && swift package --scratch-path .build benchmark --target QualityBenchmarks
// Measured (release as SwiftPM builds it, Swift 6.3.1, 2-core x86_64 VM shared with other work; steady
// state, 1000 reports per sample; p50 (p0); instructions per report from scripts/quality-instructions;
// full table, method, before/after and what is left in docs/quality.md §5):
//   compact decode: 292 ns (290 ns), 0 mallocs, 3 826 instr (6 331 at the round's start, dfe5228)
//   compact ingest (decode + update): 446 ns (443 ns), 0 mallocs, 5 404 instr (9 419 before):
//     2.24 M reports/s per core, the 2 M target met
//   browser decode and ingest: 14-15 µs p50, 0 mallocs
//   JSONDecoder, same runs: compact 25 µs and 33 mallocs, browser 208-215 µs and 196 mallocs;
//   harness overhead 120-140 ns and 16 mallocs per sample
// Minified compact reports take StatsDecoder's fast path (a padded copy, one compare per member
// name); anything else falls back to the general scanner. The scanner is kept; JSONDecoder is only
// here for the comparison (86x slower on compact reports, 15x on getStats()).
import Benchmark
import Foundation
import RelaisBenchmarkSupport
import RelaisQuality

// MARK: - Inputs

/// A compact report (inbound audio + video, the common case) at report number `i`, 2 s apart.
func compactReport(_ i: Int) -> [UInt8] {
    let t = 1_795_853_476_583.0 + Double(i) * 2000
    let a = 100 * i, v = 180 * i
    return Array("""
        {"v":1,"timestamp":\(t),"roundTripTime":0.012,"streams":[\
        {"id":"a1","kind":"audio","dir":"in","codec":"opus","fec":true,"packetsReceived":\(a),"packetsLost":\(i / 10),\
        "bytesReceived":\(a * 90),"jitter":0.004,"jitterBufferDelay":\(Double(i) * 1.92),"jitterBufferEmittedCount":\(i * 96000)},\
        {"id":"v1","kind":"video","dir":"in","codec":"vp8","packetsReceived":\(v),"packetsLost":0,"bytesReceived":\(v * 1100),\
        "framesDecoded":\(i * 60),"framesDropped":0,"freezeCount":0,"totalFreezesDuration":0,"frameWidth":1280,\
        "frameHeight":720,"framesPerSecond":30,"expectedWidth":1280,"expectedHeight":720,"expectedFps":30}]}
        """.utf8)
}

let compactReports: [[UInt8]] = (0..<1000).map(compactReport)

/// Real Chromium receiver reports from the replay fixture (7.9–8.5 KB each as serialised here).
let browserReports: [[UInt8]] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Tests/RelaisQualityTests/Fixtures/chromium-replay.json")
    guard let data = FileManager.default.contents(atPath: url.standardized.path),
        let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let samples = root["samples"] as? [[String: Any]]
    else { fatalError("replay fixture missing") }
    return samples.compactMap { s in
        (s["receiver"]).flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.withoutEscapingSlashes]) }
            .map { [UInt8]($0) }
    }
}()

// MARK: - Codable mirrors for the JSONDecoder comparison (decode only, same fields)

struct CodableCompactStream: Decodable {
    var id: String?, kind: String, dir: String, codec: String?, fec: Bool?
    var packetsReceived, packetsLost, bytesReceived, jitter, jitterBufferDelay, jitterBufferEmittedCount: Double?
    var framesDecoded, framesDropped, freezeCount, totalFreezesDuration, frameWidth, frameHeight: Double?
    var framesPerSecond, expectedWidth, expectedHeight, expectedFps: Double?
}

struct CodableCompactReport: Decodable {
    var v: Int
    var timestamp: Double
    var roundTripTime: Double?
    var streams: [CodableCompactStream]
}

struct CodableStatsEntry: Decodable {
    var type: String, id: String, timestamp: Double?, kind: String?, codecId: String?, remoteId: String?
    var localId: String?, mediaSourceId: String?, mimeType: String?, sdpFmtpLine: String?, state: String?
    var selectedCandidatePairId: String?, nominated: Bool?, decoderImplementation: String?
    var packetsReceived, packetsLost, bytesReceived, packetsSent, bytesSent, jitter, jitterBufferDelay: Double?
    var jitterBufferEmittedCount, framesDecoded, framesDropped, freezeCount, totalFreezesDuration: Double?
    var frameWidth, frameHeight, framesPerSecond, roundTripTime, totalRoundTripTime: Double?
    var roundTripTimeMeasurements, fractionLost, currentRoundTripTime, width, height: Double?
}

// MARK: - Benchmarks

/// Decoder state kept across samples. The harness calls a benchmark's closure once per sample;
/// a decoder or shard made inside it counted its own warm-up in every sample (a new browser
/// decoder reserves 7 buffers: that was most of the "23 mallocs per browser report").
final class DecodeState {
    var decoder: StatsDecoder? = StatsDecoder()
    var report: StatsReport? = StatsReport()
    var next = 0
}

/// A shard that lives for the whole benchmark, so every sample measures steady-state ingest.
final class IngestState {
    let shard = QualityShard()
    var next = 0
    var nowMs: Int64 = 0
}

/// Decodes `reports` round-robin. The decoder is moved out of the state for the sample (so the
/// loop has no class-property accesses, like a shard's own decoder) and put back after.
func decodeLoop(_ benchmark: Benchmark, _ state: DecodeState, _ reports: [[UInt8]]) {
    var decoder = state.decoder.take()!
    var report = state.report.take()!
    var i = state.next
    for _ in benchmark.scaledIterations {
        try? decoder.decode(reports[i], into: &report)
        blackHole(report.streams.count)
        i = i + 1 == reports.count ? 0 : i + 1
    }
    (state.decoder, state.report, state.next) = (decoder, report, i)
}

/// Ingests `reports` round-robin into a long-lived shard, `stepMs` of server time apart.
/// Wrapping to report 0 sends the stats timestamp back: one re-baseline per pass.
func ingestLoop(_ benchmark: Benchmark, _ state: IngestState, _ reports: [[UInt8]], stepMs: Int64) {
    var i = state.next
    var now = state.nowMs
    for _ in benchmark.scaledIterations {
        let r = try? state.shard.ingest(visit: "visit-1", participant: "patient", peer: "clinician",
                                        report: reports[i], nowMs: now)
        blackHole(r?.levelChanged)
        now += stepMs
        i = i + 1 == reports.count ? 0 : i + 1
    }
    (state.next, state.nowMs) = (i, now)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = RelaisBenchmarks.configuration(
        metrics: RelaisBenchmarks.metrics + [.instructions],
        // Warm-up counts samples, each 1000 reports: 5 warm the tables, buffers and the shard.
        warmupIterations: 5
        // 1000 reports per sample for every benchmark (the default): the harness itself mallocs 16 times
        // per sample (see "Harness overhead"), which per-report samples would charge to the report.
    )
    _ = compactReports.count
    _ = browserReports.count

    // What the harness costs per sample with an empty body (unscaled): subtract it from any
    // benchmark measured one iteration per sample.
    Benchmark("harness-overhead-per-sample",
              configuration: .init(warmupIterations: 1000, scalingFactor: .one)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // Decode only: our scanner vs JSONDecoder, compact schema.
    let compactDecode = DecodeState()
    Benchmark("compact-decode-scanner") { benchmark in
        decodeLoop(benchmark, compactDecode, compactReports)
    }

    Benchmark("compact-decode-JSONDecoder") { benchmark in
        let decoder = JSONDecoder()
        var i = 0
        for _ in benchmark.scaledIterations {
            let r = compactReports[i].withUnsafeBufferPointer { try? decoder.decode(CodableCompactReport.self, from: Data($0)) }
            blackHole(r?.streams.count)
            i = i == 999 ? 0 : i + 1
        }
    }

    // Decode + per-stream update (+ a window close every 2.5 reports), as the server calls it.
    let compactIngest = IngestState()
    Benchmark("compact-ingest") { benchmark in
        ingestLoop(benchmark, compactIngest, compactReports, stepMs: 2000)
    }

    let browserDecode = DecodeState()
    Benchmark("browser-decode-scanner") { benchmark in
        decodeLoop(benchmark, browserDecode, browserReports)
    }

    Benchmark("browser-decode-JSONDecoder") { benchmark in
        let decoder = JSONDecoder()
        var i = 0
        for _ in benchmark.scaledIterations {
            let r = browserReports[i].withUnsafeBufferPointer { try? decoder.decode([CodableStatsEntry].self, from: Data($0)) }
            blackHole(r?.count)
            i = (i + 1) % browserReports.count
        }
    }

    let browserIngest = IngestState()
    Benchmark("browser-ingest") { benchmark in
        ingestLoop(benchmark, browserIngest, browserReports, stepMs: 1000)
    }
}
