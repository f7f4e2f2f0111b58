// RelaisQuality: the versioned scoring method and its constants.

/// The scoring method and every constant it uses, in one place.
///
/// The method string travels with every score (`quality.method`, stored windows) so that scores
/// computed under different constants are never compared by accident. **Change any constant
/// here → bump ``name``** (reference §7 issue 10: version-tag the method).
public enum QualityMethod {
    /// Current method: simplified G.107 E-model for audio (reference §8.1), provisional
    /// bits-per-pixel/fps/loss/freeze video model, worst-stream participant, 5 s windows.
    public static let name = "relais-emodel-1"

    /// Scoring window (LiveKit's cadence, reference §1.7 and §8.1 step 3).
    public static let windowMs: Int64 = 5_000

    // MARK: Audio (reference §8.1 step 4)

    /// G.107 default basic signal-to-noise rating R0 (06/2015 edition; older tools use 94.2).
    public static let r0 = 93.2
    /// Knee of the simplified delay impairment Id (Cole & Rosenbluth regression).
    public static let delayKneeMs = 177.3
    /// Packetisation delay added to one-way delay: one 20 ms Opus frame.
    public static let packetisationMs = 20.0
    /// Packet-loss robustness: Opus treated like G.711 with PLC (reference's stated assumption).
    public static let bpl = 25.1
    /// Robustness multiplier with in-band FEC or RED (mirrors LiveKit's ÷1.5 loss weight).
    public static let fecRobustnessFactor = 1.5
    /// Random loss (no burstiness measured from getStats()).
    public static let burstRatio = 1.0
    /// Fewer inbound audio packets than this in a window means DTX/silence: loss is not
    /// re-estimated from so few packets (reference §8.1, "DTX").
    public static let dtxMinimumPackets = 10.0

    // MARK: Video (reference §8.1 step 5, provisional)

    public static let videoBitsPerPixelSlope = 0.56
    public static let videoBitsPerPixelOffset = 5.36
    public static let videoFramerateSlope = 1.9
    /// G.1070-style loss decay constant DPplV for H.264 at ≥ 500 kbit/s, 30 fps.
    public static let videoLossDecay = 3.35
    /// Expected frame rate when neither the report nor the sender states one and none was seen.
    public static let defaultExpectedFps = 30.0

    // MARK: Smoothing and levels (reference §8.1 steps 7–8)

    /// EWMA factor when the raw score rises (slow recovery).
    public static let smoothingUp = 0.4
    /// EWMA factor when the raw score falls (fast drop).
    public static let smoothingDown = 0.8
    /// MOS thresholds aligned with the G.107 satisfaction bands.
    public static let excellentMOS = 4.03
    public static let goodMOS = 3.60
    public static let fairMOS = 3.10
    /// Consecutive windows a better level must hold before the level moves up.
    public static let windowsToMoveUp = 2
    /// Windows without any report after which a participant that had scores is LOST.
    public static let staleWindowsForLost = 2
}
