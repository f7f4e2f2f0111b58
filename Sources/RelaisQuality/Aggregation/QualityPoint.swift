// RelaisQuality: one point of a visit's quality time series.

/// One closed 5 s window of a visit: the worst participant's values (lowest MOS, highest RTT,
/// jitter and loss among the participants scored in the window).
public struct QualityPoint: Sendable, Equatable {
    /// Window start, server time in ms.
    public var startMs: Int64
    /// Window length in ms (5 000, or more if ticks were late).
    public var durationMs: Int64
    public var level: QualityLevel
    public var mos: Double?
    public var rttMs: Double?
    public var jitterMs: Double?
    public var lossPct: Double?
    /// Participants with a score in this window.
    public var scoredParticipants: Int

    /// A point rebuilt from storage.
    public init(startMs: Int64, durationMs: Int64, level: QualityLevel, mos: Double?, rttMs: Double?, jitterMs: Double?,
                lossPct: Double?, scoredParticipants: Int) {
        self.startMs = startMs
        self.durationMs = durationMs
        self.level = level
        self.mos = mos
        self.rttMs = rttMs
        self.jitterMs = jitterMs
        self.lossPct = lossPct
        self.scoredParticipants = scoredParticipants
    }
}

/// p50/p90/p95/p99 of a sketch, each within the sketch's relative error.
public struct Percentiles: Sendable, Equatable {
    public var count: UInt64
    public var p50: Double?
    public var p90: Double?
    public var p95: Double?
    public var p99: Double?
    public var mean: Double?

    public init(_ sketch: DDSketch) {
        count = sketch.count
        p50 = sketch.quantile(0.50)
        p90 = sketch.quantile(0.90)
        p95 = sketch.quantile(0.95)
        p99 = sketch.quantile(0.99)
        mean = sketch.mean
    }
}

/// Mergeable distributions of per-(participant, window) MOS, RTT (ms), jitter (ms), loss (%).
public struct QualitySketches: Sendable, Equatable {
    public var mos = DDSketch()
    public var rttMs = DDSketch()
    public var jitterMs = DDSketch()
    public var lossPct = DDSketch()

    public init() {}

    /// Adds one participant window's values here and to `other`, each value's bucket computed
    /// once (see ``DDSketch/add(_:alsoTo:)``): a visit's summary and the shard's fleet record the
    /// same windows.
    mutating func record(_ q: ParticipantWindow, alsoInto other: inout QualitySketches) {
        if let m = q.mos { mos.add(m, alsoTo: &other.mos) }
        if let r = q.rttMs { rttMs.add(r, alsoTo: &other.rttMs) }
        if let j = q.jitterMs { jitterMs.add(j, alsoTo: &other.jitterMs) }
        if let l = q.lossPct { lossPct.add(l, alsoTo: &other.lossPct) }
    }

    public mutating func merge(_ o: QualitySketches) {
        mos.merge(o.mos)
        rttMs.merge(o.rttMs)
        jitterMs.merge(o.jitterMs)
        lossPct.merge(o.lossPct)
    }
}

/// What one participant contributed in one closed window (internal hand-off to the visit).
struct ParticipantWindow {
    var level: QualityLevel
    var mos: Double?
    var rttMs: Double?
    var jitterMs: Double?
    var lossPct: Double?
    var lostPackets: Double
    var expectedPackets: Double
}
