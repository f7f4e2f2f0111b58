// RelaisQuality benchmarks: decode and decode+update per report, compact and browser formats,
// with allocation counts, against Foundation's JSONDecoder on the same bytes in the same run.
//
// Run: cd Benchmarks && swift package --scratch-path .build benchmark
// Measured (p50, release, Swift 6.3.1, 2-core x86_64 VM; full table in docs/quality.md):
//   compact decode: scanner 1.65 µs, 0 mallocs | JSONDecoder 25 µs, 33 mallocs  (15× faster)
//   compact ingest (decode + update): 2.9 µs, 0 mallocs (346 K reports/s per core)
//   browser decode: scanner 15 µs, 23 mallocs | JSONDecoder 180 µs, 204 mallocs (12× faster)
//   browser ingest: 17 µs, 31 mallocs
// The scanner is kept; JSONDecoder is only here for the comparison.
import Benchmark
import Foundation
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

/// Real Chromium receiver reports from the replay fixture (about 16 KB each).
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

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        warmupIterations: 1000,
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )
    _ = compactReports.count
    _ = browserReports.count

    // Decode only: our scanner vs JSONDecoder, compact schema.
    Benchmark("Compact decode (RelaisQuality scanner)") { benchmark in
        var decoder = StatsDecoder()
        var report = StatsReport()
        var i = 0
        for _ in benchmark.scaledIterations {
            try? decoder.decode(compactReports[i], into: &report)
            blackHole(report.streams.count)
            i = i == 999 ? 0 : i + 1
        }
    }

    Benchmark("Compact decode (Foundation JSONDecoder)") { benchmark in
        let decoder = JSONDecoder()
        var i = 0
        for _ in benchmark.scaledIterations {
            let r = compactReports[i].withUnsafeBufferPointer { try? decoder.decode(CodableCompactReport.self, from: Data($0)) }
            blackHole(r?.streams.count)
            i = i == 999 ? 0 : i + 1
        }
    }

    // Decode + per-stream update (+ a window close every 2.5 reports), as the server calls it.
    Benchmark("Compact ingest (decode + update)") { benchmark in
        let shard = QualityShard()
        var i = 0
        var now: Int64 = 0
        for _ in benchmark.scaledIterations {
            let r = try? shard.ingest(visit: "visit-1", participant: "patient", peer: "clinician",
                                      report: compactReports[i], nowMs: now)
            blackHole(r?.levelChanged)
            now += 2000
            // Wrapping to report 0 sends the timestamp back: one re-baseline per 1000 reports.
            i = i == 999 ? 0 : i + 1
        }
    }

    Benchmark("Browser decode (RelaisQuality scanner)", configuration: .init(scalingFactor: .one)) { benchmark in
        var decoder = StatsDecoder()
        var report = StatsReport()
        var i = 0
        for _ in benchmark.scaledIterations {
            try? decoder.decode(browserReports[i], into: &report)
            blackHole(report.streams.count)
            i = (i + 1) % browserReports.count
        }
    }

    Benchmark("Browser decode (Foundation JSONDecoder)", configuration: .init(scalingFactor: .one)) { benchmark in
        let decoder = JSONDecoder()
        var i = 0
        for _ in benchmark.scaledIterations {
            let r = browserReports[i].withUnsafeBufferPointer { try? decoder.decode([CodableStatsEntry].self, from: Data($0)) }
            blackHole(r?.count)
            i = (i + 1) % browserReports.count
        }
    }

    Benchmark("Browser ingest (decode + update)", configuration: .init(scalingFactor: .one)) { benchmark in
        let shard = QualityShard()
        var i = 0
        var now: Int64 = 0
        for _ in benchmark.scaledIterations {
            let r = try? shard.ingest(visit: "visit-1", participant: "patient", peer: "clinician",
                                      report: browserReports[i], nowMs: now)
            blackHole(r?.levelChanged)
            now += 1000
            i = (i + 1) % browserReports.count
        }
    }
}
