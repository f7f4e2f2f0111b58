// RelaisQuality: quality levels and what limits a score.

/// The level participants see. Ordered worst to best so `min` picks the worst.
public enum QualityLevel: Int, Sendable, Hashable, Comparable, CaseIterable {
    /// No packets and no transport traffic, ICE failed, or no reports for too long.
    case lost
    case poor
    case fair
    case good
    case excellent
    /// Before any stats (DESIGN: "the API reports level `unknown`"). Sorts above excellent so
    /// that it never wins a "worst of" against a measured level.
    case unknown

    public static func < (a: QualityLevel, b: QualityLevel) -> Bool { a.rawValue < b.rawValue }

    /// The wire name (`"EXCELLENT"`, …, `"unknown"`), as the `quality` message spells it.
    public var name: String {
        switch self {
        case .lost: "LOST"
        case .poor: "POOR"
        case .fair: "FAIR"
        case .good: "GOOD"
        case .excellent: "EXCELLENT"
        case .unknown: "unknown"
        }
    }

    /// The level a MOS falls in (reference §8.1 step 8): EXCELLENT ≥ 4.03, GOOD ≥ 3.60,
    /// FAIR ≥ 3.10, else POOR. LOST is never derived from a MOS.
    public init(mos: Double) {
        if mos >= QualityMethod.excellentMOS {
            self = .excellent
        } else if mos >= QualityMethod.goodMOS {
            self = .good
        } else if mos >= QualityMethod.fairMOS {
            self = .fair
        } else {
            self = .poor
        }
    }
}

/// The factor that costs a score the most, named as the `quality` message's `limitedBy`.
public enum LimitingFactor: UInt8, Sendable, Hashable, CaseIterable {
    case loss, delay, jitter, bitrate, framerate, freezes

    public var name: String {
        switch self {
        case .loss: "loss"
        case .delay: "delay"
        case .jitter: "jitter"
        case .bitrate: "bitrate"
        case .framerate: "framerate"
        case .freezes: "freezes"
        }
    }

    /// Audio: split Id between network delay (RTT/2 + packetisation) and the jitter buffer in
    /// proportion to their share of Ta, and compare with Ie,eff. `nil` when R loses less than
    /// 3 points to impairments (nothing worth naming).
    static func audio(_ r: EModel.Result, jitterBufferMs: Double) -> LimitingFactor? {
        let ta = max(r.oneWayDelayMs, 1e-9)
        let jitterPart = r.delayImpairment * min(1, max(0, jitterBufferMs / ta))
        let delayPart = r.delayImpairment - jitterPart
        var best = Best(threshold: 3)
        best.offer(.loss, r.lossImpairment)
        best.offer(.delay, delayPart)
        best.offer(.jitter, jitterPart)
        return best.factor
    }

    /// Video: the MOS lost at each stage of ``VideoModel`` (4.5 → q0 bitrate, q0 → q1 frame
    /// rate, q1 → q2 loss, q2 → mos freezes). `nil` under 0.1 MOS.
    static func video(_ v: VideoModel.Result) -> LimitingFactor? {
        var best = Best(threshold: 0.1)
        best.offer(.bitrate, 4.5 - v.q0)
        best.offer(.framerate, v.q0 - v.q1)
        best.offer(.loss, v.q1 - v.q2)
        best.offer(.freezes, v.q2 - v.mos)
        return best.factor
    }

    /// Running arg-max without an array (window scoring must not allocate).
    private struct Best {
        var factor: LimitingFactor?
        var cost: Double
        init(threshold: Double) { cost = threshold }
        mutating func offer(_ f: LimitingFactor, _ c: Double) {
            if c > cost { factor = f; cost = c }
        }
    }
}
