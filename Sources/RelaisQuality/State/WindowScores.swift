// RelaisQuality: a participant's stream scores for one window, folded as they are computed.

/// The worst-of and sums over the inbound streams a participant scored in one closed window:
/// each stream's ``StreamState/closeWindow(fallbackRttSeconds:expectation:into:)`` adds its
/// score here directly.
///
/// Why not a per-stream score value: returning an optional ~250-byte score per stream, then
/// copying it into "the worst so far", was two `memcpy` calls and an outlined enum copy per
/// stream; the audio and video parts and `limitedBy` are now built only for a stream that is the
/// worst so far. Comparisons are those of the per-stream version (strict `<`, a NaN MOS never
/// wins), so the results are identical.
struct WindowScores {
    /// Lowest MOS of any scored stream (`nil`: none, or only NaN MOS).
    var mos: Double?
    /// What limits the stream with the lowest MOS.
    var limitedBy: LimitingFactor?
    /// The audio stream with the lowest MOS, and the video one.
    var audio: AudioQuality?
    var video: VideoQuality?
    /// For the visit's total loss (Σ lost / Σ expected).
    var lostPackets = 0.0
    var expectedPackets = 0.0
    /// Highest RTT, jitter and loss of the scored streams.
    var rttMs: Double?
    var jitterMs: Double?
    var lossPct: Double?

    /// Folds in the parts every scored stream contributes. True when `mos` is the worst so far:
    /// the caller then records its `limitedBy`.
    @inline(__always)
    mutating func add(mos m: Double, lostPackets lost: Double, expectedPackets expected: Double, rttMs r: Double?,
                      jitterMs j: Double?, lossPct l: Double) -> Bool
    {
        lostPackets += lost
        expectedPackets += expected
        if let r { rttMs = Swift.max(rttMs ?? r, r) }
        if let j { jitterMs = Swift.max(jitterMs ?? j, j) }
        lossPct = Swift.max(lossPct ?? l, l)
        guard m < mos ?? .infinity else { return false }
        mos = m
        return true
    }
}
