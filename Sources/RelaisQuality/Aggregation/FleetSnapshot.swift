// RelaisQuality: fleet-wide quality, mergeable across shards.

/// A visit in the fleet overview's worst-visits list.
public struct VisitBrief: Sendable, Equatable {
    public var visit: String
    public var level: QualityLevel
    public var mos: Double?
    public var participants: Int
}

/// Fleet overview of one shard, or of several merged: counts per level, distributions of
/// per-(participant, window) MOS/RTT/jitter/loss since the shards started, and the worst
/// current visits. Each event-loop thread builds its own with ``QualityShard/fleetSnapshot()``
/// and the reader merges them; nothing is shared while building.
public struct FleetSnapshot: Sendable, Equatable {
    /// How many worst visits are kept (after merging too).
    public static let worstLimit = 10

    public var visits = 0
    public var participants = 0
    /// Indexed by ``QualityLevel/rawValue`` (including `unknown`).
    public var participantsPerLevel = [Int](repeating: 0, count: QualityLevel.allCases.count)
    public var visitsPerLevel = [Int](repeating: 0, count: QualityLevel.allCases.count)
    public var sketches = QualitySketches()
    /// Lowest level first, then lowest MOS; at most ``worstLimit``.
    public var worstVisits: [VisitBrief] = []

    public init() {}

    public func participants(at level: QualityLevel) -> Int { participantsPerLevel[level.rawValue] }
    public func visits(at level: QualityLevel) -> Int { visitsPerLevel[level.rawValue] }

    public var mos: Percentiles { Percentiles(sketches.mos) }
    public var rttMs: Percentiles { Percentiles(sketches.rttMs) }
    public var jitterMs: Percentiles { Percentiles(sketches.jitterMs) }
    public var lossPct: Percentiles { Percentiles(sketches.lossPct) }

    /// Adds another shard's snapshot. Exact for counts and sketches (same α); the worst list is
    /// the worst of both lists.
    public mutating func merge(_ o: FleetSnapshot) {
        visits += o.visits
        participants += o.participants
        for i in participantsPerLevel.indices {
            participantsPerLevel[i] += o.participantsPerLevel[i]
            visitsPerLevel[i] += o.visitsPerLevel[i]
        }
        sketches.merge(o.sketches)
        worstVisits = Self.worst(worstVisits + o.worstVisits)
    }

    static func worst(_ list: [VisitBrief]) -> [VisitBrief] {
        Array(list.filter { $0.level != .unknown }.sorted { a, b in
            if a.level != b.level { return a.level < b.level }
            return (a.mos ?? 5) < (b.mos ?? 5)
        }.prefix(worstLimit))
    }
}
