import RelaisCore
import RelaisQuality

/// JSON shapes of quality data in the admin API (docs/openapi.yaml).
enum QualityJSON {
    static func writePercentiles(_ name: String, _ p: Percentiles, into json: inout JSONWriter) {
        json.key(name)
        json.beginObject()
        json.field("count", Int(p.count))
        for (key, value) in [("p50", p.p50), ("p90", p.p90), ("p95", p.p95), ("p99", p.p99), ("mean", p.mean)] {
            if let value { json.field(key, value) } else { json.key(key); json.nullValue() }
        }
        json.endObject()
    }

    static func writeSummary(_ s: VisitQualitySnapshot, into json: inout JSONWriter) {
        json.key("summary")
        json.beginObject()
        json.field("level", s.level.name)
        if let mos = s.mos { json.field("mos", mos) }
        if let mean = s.summary.meanMOS { json.field("meanMos", mean) }
        json.field("scoredSeconds", Double(s.summary.scoredMs) / 1000, decimals: 1)
        if let loss = s.summary.totalLossPct { json.field("totalLossPct", loss) }
        writePercentiles("mos", s.summary.mos, into: &json)
        writePercentiles("rttMs", s.summary.rttMs, into: &json)
        writePercentiles("jitterMs", s.summary.jitterMs, into: &json)
        writePercentiles("lossPct", Percentiles(s.summary.sketches.lossPct), into: &json)
        json.key("secondsPerLevel")
        json.beginObject()
        for level in QualityLevel.allCases where level != .unknown {
            json.field(level.name, Double(s.summary.timePerLevelMs[level.rawValue]) / 1000, decimals: 1)
        }
        json.endObject()
        json.endObject()
    }

    /// Points between `from` and `to` (ms), merged into buckets of `stepMs` (time-weighted means, worst level).
    static func writeSeries(_ points: [QualityPoint], fromMs: Int64?, toMs: Int64?, stepMs: Int64?, into json: inout JSONWriter) {
        let selected = points.filter { p in (fromMs.map { p.startMs >= $0 } ?? true) && (toMs.map { p.startMs < $0 } ?? true) }
        json.key("points")
        json.beginArray()
        guard let stepMs, stepMs > 0 else {
            for p in selected { writePoint(start: p.startMs, duration: p.durationMs, level: p.level, mos: p.mos, rtt: p.rttMs,
                                           jitter: p.jitterMs, loss: p.lossPct, into: &json) }
            json.endArray()
            return
        }
        var buckets: [Int64: [QualityPoint]] = [:]
        for p in selected { buckets[p.startMs - p.startMs % stepMs, default: []].append(p) }
        for start in buckets.keys.sorted() {
            let group = buckets[start]!
            func mean(_ value: (QualityPoint) -> Double?) -> Double? {
                let weighted = group.compactMap { p in value(p).map { ($0, Double(p.durationMs)) } }
                let total = weighted.reduce(0) { $0 + $1.1 }
                return total > 0 ? weighted.reduce(0) { $0 + $1.0 * $1.1 } / total : nil
            }
            let level = group.map(\.level).filter { $0 != .unknown }.min { $0.rawValue < $1.rawValue } ?? .unknown
            writePoint(start: start, duration: stepMs, level: level, mos: mean(\.mos), rtt: mean(\.rttMs), jitter: mean(\.jitterMs),
                       loss: mean(\.lossPct), into: &json)
        }
        json.endArray()
    }

    private static func writePoint(start: Int64, duration: Int64, level: QualityLevel, mos: Double?, rtt: Double?, jitter: Double?,
                                   loss: Double?, into json: inout JSONWriter) {
        json.beginObject()
        json.field("t", start)
        json.field("durationMs", duration)
        json.field("level", level.name)
        for (key, value) in [("mos", mos), ("rttMs", rtt), ("jitterMs", jitter), ("lossPct", loss)] {
            if let value { json.field(key, value) } else { json.key(key); json.nullValue() }
        }
        json.endObject()
    }

    static func writeFleet(_ f: FleetSnapshot, liveVisits: Int, into json: inout JSONWriter) {
        json.field("visits", liveVisits)
        json.field("scoredVisits", f.visits)
        json.field("participants", f.participants)
        for (name, counts) in [("participantsByLevel", f.participantsPerLevel), ("visitsByLevel", f.visitsPerLevel)] {
            json.key(name)
            json.beginObject()
            for level in QualityLevel.allCases { json.field(level.name, counts[level.rawValue]) }
            json.endObject()
        }
        writePercentiles("mos", f.mos, into: &json)
        writePercentiles("rttMs", f.rttMs, into: &json)
        writePercentiles("jitterMs", f.jitterMs, into: &json)
        writePercentiles("lossPct", f.lossPct, into: &json)
        json.key("worstVisits")
        json.beginArray()
        for v in f.worstVisits {
            json.beginObject()
            json.field("id", v.visit)
            json.field("level", v.level.name)
            if let mos = v.mos { json.field("mos", mos) }
            json.field("participants", v.participants)
            json.endObject()
        }
        json.endArray()
    }
}
