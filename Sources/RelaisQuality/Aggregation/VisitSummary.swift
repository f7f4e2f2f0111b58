// RelaisQuality: a visit's quality summary, accumulated window by window.

/// Summary of a visit so far (reference §6 and §8.1 step 9).
///
/// - `meanMOS`: time-weighted over (participant, window) scores.
/// - `sketches`/percentiles: distribution of per-(participant, window) values, DDSketch α = 1 %.
/// - `timePerLevelMs`: time the **visit** level (worst participant) spent at each level.
/// - `totalLossPct`: Σ lost / Σ expected over every inbound stream, never a mean of ratios.
public struct VisitSummary: Sendable, Equatable {
    public var scoredMs: Int64 = 0
    public var meanMOS: Double? { mosWeight > 0 ? mosWeightedSum / mosWeight : nil }
    public var sketches = QualitySketches()
    /// Indexed by ``QualityLevel/rawValue`` (lost … excellent; `unknown` is never counted).
    public var timePerLevelMs = [Int64](repeating: 0, count: QualityLevel.allCases.count)
    public var lostPackets = 0.0
    public var expectedPackets = 0.0
    public var totalLossPct: Double? { expectedPackets > 0 ? 100 * lostPackets / expectedPackets : nil }
    var mosWeightedSum = 0.0
    var mosWeight = 0.0

    public init() {}

    public var mos: Percentiles { Percentiles(sketches.mos) }
    public var rttMs: Percentiles { Percentiles(sketches.rttMs) }
    public var jitterMs: Percentiles { Percentiles(sketches.jitterMs) }
    public var lossPct: Percentiles { Percentiles(sketches.lossPct) }

    public func timeAt(_ level: QualityLevel) -> Int64 { timePerLevelMs[level.rawValue] }

    /// Records a participant's closed window here and its values in `fleet` (the shard's view).
    mutating func record(_ w: ParticipantWindow, durationMs: Int64, fleet: inout QualitySketches) {
        sketches.record(w, alsoInto: &fleet)
        if let m = w.mos {
            mosWeightedSum += m * Double(durationMs)
            mosWeight += Double(durationMs)
        }
        lostPackets += w.lostPackets
        expectedPackets += w.expectedPackets
    }

    mutating func record(_ point: QualityPoint) {
        scoredMs += point.durationMs
        if point.level != .unknown { timePerLevelMs[point.level.rawValue] += point.durationMs }
    }

    /// Merges another summary (e.g. the same fleet slice from another shard).
    public mutating func merge(_ o: VisitSummary) {
        scoredMs += o.scoredMs
        sketches.merge(o.sketches)
        for i in timePerLevelMs.indices { timePerLevelMs[i] += o.timePerLevelMs[i] }
        lostPackets += o.lostPackets
        expectedPackets += o.expectedPackets
        mosWeightedSum += o.mosWeightedSum
        mosWeight += o.mosWeight
    }
}

/// A read-only copy of one visit's quality: current participants, time series and summary.
public struct VisitQualitySnapshot: Sendable {
    public var visit: String
    /// Worst participant level (``QualityLevel/unknown`` before any score).
    public var level: QualityLevel
    public var mos: Double?
    public var participants: [ParticipantQuality]
    public var series: [QualityPoint]
    public var summary: VisitSummary
    public var ended: Bool
}
