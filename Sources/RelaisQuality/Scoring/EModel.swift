// RelaisQuality: the simplified ITU-T G.107 E-model used for audio (reference §2, §8.1).

/// The audio score: simplified G.107 E-model, R → MOS.
///
/// Units are fixed here and nowhere else: delays in **milliseconds**, loss in **percent**
/// (0–100). The reference lists public scorers that got exactly these wrong (§9).
public enum EModel {
    /// Terms of one audio score, kept for `limitedBy` and for the dashboard.
    public struct Result: Sendable, Equatable {
        /// One-way mouth-to-ear delay Ta = RTT/2 + jitter buffer + packetisation, ms.
        public var oneWayDelayMs: Double
        /// Delay impairment Id.
        public var delayImpairment: Double
        /// Effective equipment impairment Ie,eff (loss).
        public var lossImpairment: Double
        /// Rating factor, clamped to [0, 100].
        public var r: Double
        public var mos: Double
    }

    /// G.107 Annex B R → MOS. R is clamped to [0, 100] first: the cubic is not monotonic outside
    /// that range (rtcscore returned MOS 5 for R = −565, reference §9).
    public static func mos(r: Double) -> Double {
        let r = min(100, max(0, r))
        return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6
    }

    /// Delay impairment Id(d) = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3), d one-way in ms.
    public static func delayImpairment(oneWayMs d: Double) -> Double {
        0.024 * d + (d > QualityMethod.delayKneeMs ? 0.11 * (d - QualityMethod.delayKneeMs) : 0)
    }

    /// Ie,eff = Ie + (95 − Ie)·Ppl / (Ppl/BurstR + Bpl), Ppl in percent.
    public static func lossImpairment(lossPct ppl: Double, ie: Double = 0, bpl: Double = QualityMethod.bpl,
                                      burstRatio: Double = QualityMethod.burstRatio) -> Double
    {
        guard ppl > 0 else { return ie }
        return ie + (95 - ie) * ppl / (ppl / burstRatio + bpl)
    }

    /// Ppl = 100·max(0, Δlost) / (Δreceived + max(0, Δlost)); 0 when nothing was expected.
    /// `packetsLost` may decrease (duplicates, late packets), so a negative delta counts as 0.
    public static func lossPercent(deltaReceived: Double, deltaLost: Double) -> Double {
        let lost = max(0, deltaLost)
        let expected = deltaReceived + lost
        return expected > 0 ? 100 * lost / expected : 0
    }

    /// The recommended audio score (reference §8.1 step 4).
    /// - Parameters:
    ///   - rttMs: end-to-end round-trip time, ms.
    ///   - jitterMs: interarrival jitter, ms (used as JB = 2·jitter when `jitterBufferMs` is nil).
    ///   - lossPct: packet loss, percent.
    ///   - jitterBufferMs: measured jitter-buffer delay, ms.
    ///   - fec: in-band FEC/RED active (Bpl × 1.5).
    public static func score(rttMs: Double, jitterMs: Double, lossPct: Double, jitterBufferMs: Double? = nil,
                             fec: Bool = false) -> Result
    {
        let jb = jitterBufferMs ?? 2 * jitterMs
        let ta = rttMs / 2 + jb + QualityMethod.packetisationMs
        let id = delayImpairment(oneWayMs: ta)
        let bpl = fec ? QualityMethod.bpl * QualityMethod.fecRobustnessFactor : QualityMethod.bpl
        let ie = lossImpairment(lossPct: lossPct, bpl: bpl)
        let r = min(100, max(0, QualityMethod.r0 - id - ie))
        return Result(oneWayDelayMs: ta, delayImpairment: id, lossImpairment: ie, r: r, mos: mos(r: r))
    }
}
