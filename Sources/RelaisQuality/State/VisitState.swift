// RelaisQuality: one visit's participants, time series and summary.

/// One visit on one shard: its participants, the point being built for the current window,
/// the time series and the summary. Mutable properties are `@exclusivity(unchecked)` for the
/// reason and under the rule given on ``ParticipantState`` (one thread, no overlapping access).
final class VisitState {
    let id: String
    @exclusivity(unchecked) var participants: [String: ParticipantState] = [:]
    /// Expected video size/fps per (sender, receiver), from the sender's outbound report.
    @exclusivity(unchecked) var expectations: [UInt64: StreamState.VideoExpectation] = [:]
    @exclusivity(unchecked) var series = PointSeries(capacity: VisitState.maxPoints, chunkSize: VisitState.maxPoints / 12)
    @exclusivity(unchecked) var summary = VisitSummary()
    /// Window whose point is being accumulated.
    @exclusivity(unchecked) var pointWindow: Int64
    @exclusivity(unchecked) private var point = PointAccumulator()

    /// Series length cap: 24 h of 5 s windows. When it is reached the oldest quarter is dropped
    /// (the store keeps them).
    static let maxPoints = 17_280

    init(id: String, nowWindow: Int64) {
        self.id = id
        self.pointWindow = nowWindow
    }

    /// Adds a participant's closed window `window` to the summary and, if it is the window
    /// being built, to the current point, and its values to `fleet` (the shard's sketches). A
    /// window newer than that emits the pending point first.
    func fold(_ w: ParticipantWindow, window: Int64, fleet: inout QualitySketches) {
        summary.record(w, durationMs: QualityMethod.windowMs, fleet: &fleet)
        if window > pointWindow {
            emitPoint()
            pointWindow = window
        }
        if window == pointWindow { point.add(w) }
    }

    /// Emits the pending point if its window has ended by `window`.
    func flush(before window: Int64) {
        if pointWindow < window {
            emitPoint()
            pointWindow = window - 1
        }
    }

    private func emitPoint() {
        guard point.scored > 0 else { return }
        let p = QualityPoint(startMs: pointWindow * QualityMethod.windowMs, durationMs: QualityMethod.windowMs,
                             level: point.level, mos: point.mos, rttMs: point.rtt, jitterMs: point.jitter,
                             lossPct: point.loss, scoredParticipants: point.scored)
        series.append(p)
        summary.record(p)
        point = PointAccumulator()
    }

    /// Worst current participant level and MOS.
    var current: (level: QualityLevel, mos: Double?) {
        var level = QualityLevel.unknown
        var mos: Double?
        for p in participants.values {
            level = min(level, p.quality.level)
            if let m = p.quality.mos { mos = min(mos ?? m, m) }
        }
        return (level, mos)
    }

    /// The series' points that start after `startMs`, oldest first (cost: how many there are).
    func points(after startMs: Int64) -> [QualityPoint] { series.points(after: startMs) }

    func snapshot(ended: Bool) -> VisitQualitySnapshot {
        let c = current
        return VisitQualitySnapshot(visit: id, level: c.level, mos: c.mos,
                                    participants: participants.values.map(\.quality)
                                        .sorted { $0.participant < $1.participant },
                                    series: series.points, summary: summary, ended: ended)
    }
}

/// Worst-of accumulator for one visit point.
private struct PointAccumulator {
    var level = QualityLevel.unknown
    var mos: Double?
    var rtt: Double?
    var jitter: Double?
    var loss: Double?
    var scored = 0

    mutating func add(_ w: ParticipantWindow) {
        scored += 1
        level = min(level, w.level)
        if let m = w.mos { mos = min(mos ?? m, m) }
        if let r = w.rttMs { rtt = max(rtt ?? r, r) }
        if let j = w.jitterMs { jitter = max(jitter ?? j, j) }
        if let l = w.lossPct { loss = max(loss ?? l, l) }
    }
}
