// RelaisQuality: one stream's baseline, guards and window scoring.

/// Per-stream state: the last accepted report (the baseline for deltas), the open window and
/// the smoothed score. Keyed by (peer, stats `id`) in ``ParticipantState``.
struct StreamState {
    let kind: MediaKind
    let direction: StreamDirection
    /// Hash of the peer the report named (0 when none): the key of the report-level RTT.
    let peer: UInt64
    /// Key of the (sender, receiver) pair whose expected video size applies (see VisitState).
    let expectationKey: UInt64
    /// The last accepted report, valid when `hasBaseline`. Not an optional: `if let` on an
    /// optional 270-byte struct copies it, and this is read on every report.
    var baseline = StreamStats()
    var hasBaseline = false
    var window = StreamWindow()
    /// Smoothed R for audio, smoothed MOS for video.
    var smoothed = SmoothedScore()
    /// Last loss estimate, reused through DTX windows (too few packets to estimate loss).
    var lastLossPct: Double?
    var lastJitterSeconds: Double?
    var codec: Codec = .unknown
    var fec = false
    /// Largest decoded size and frame rate seen: the fallback "expected" values for video.
    var maxSeenWidth = 0.0
    var maxSeenHeight = 0.0
    var maxSeenFps = 0.0
    var statedExpected: (width: Double, height: Double, fps: Double?)?

    init(kind: MediaKind, direction: StreamDirection, peer: UInt64, expectationKey: UInt64) {
        self.kind = kind
        self.direction = direction
        self.peer = peer
        self.expectationKey = expectationKey
    }

    /// Applies one report's sample. `fallbackRttSeconds` is the report-level RTT used when the
    /// stream has no RTCP round trip of its own.
    mutating func update(_ s: StreamStats, fallbackRttSeconds: Double?) -> StreamUpdate {
        codec = s.codec
        fec = s.fec
        if let w = s[.frameWidth], let h = s[.frameHeight], w * h > maxSeenWidth * maxSeenHeight {
            maxSeenWidth = w
            maxSeenHeight = h
        }
        if let w = s[.expectedWidth], let h = s[.expectedHeight], w > 0, h > 0 {
            statedExpected = (w, h, s[.expectedFps])
        }
        guard hasBaseline else {
            baseline = s
            hasBaseline = true
            return .baseline
        }
        if s.codecIdentity != baseline.codecIdentity {
            return rebaseline(s, as: .counterReset)
        }
        guard let t1 = s[.timestamp], let t0 = baseline[.timestamp] else {
            return rebaseline(s, as: .counterReset)
        }
        if t1 == t0 {
            window.dropped += 1
            return .stalled
        }
        if t1 < t0 { return rebaseline(s, as: .timestampBackwards) }
        // Any monotonic counter going down means the sender or receiver restarted counting.
        if Self.decreased(.packetsReceived, s, baseline) || Self.decreased(.packetsSent, s, baseline)
            || Self.decreased(.bytesReceived, s, baseline) || Self.decreased(.bytesSent, s, baseline)
            || Self.decreased(.framesDecoded, s, baseline) || Self.decreased(.jitterBufferEmittedCount, s, baseline)
            || Self.decreased(.totalFreezesDuration, s, baseline)
        {
            return rebaseline(s, as: .counterReset)
        }
        accumulate(s, elapsedMs: t1 - t0, fallbackRttSeconds: fallbackRttSeconds)
        baseline = s
        return .delta
    }

    private mutating func rebaseline(_ s: StreamStats, as outcome: StreamUpdate) -> StreamUpdate {
        baseline = s
        window.resets += 1
        return outcome
    }

    @inline(__always)
    private static func decreased(_ m: StatsMetric, _ s: StreamStats, _ last: StreamStats) -> Bool {
        guard let a = s[m], let b = last[m] else { return false }
        return a < b
    }

    @inline(__always)
    private static func delta(_ m: StatsMetric, _ s: StreamStats, _ last: StreamStats) -> Double? {
        guard let a = s[m], let b = last[m] else { return nil }
        return a - b
    }

    /// Adds the deltas from the baseline to `s` to the window. A method on `self` (not a static
    /// taking the window, `maxSeenFps` and the baseline as arguments): passed as an argument next
    /// to `inout` parts of the same struct, the 270-byte baseline was copied (memcpy) per report.
    @inline(__always)
    private mutating func accumulate(_ s: StreamStats, elapsedMs: Double, fallbackRttSeconds: Double?) {
        window.deltas += 1
        window.elapsedMs += elapsedMs
        if let p = s.packets, let p0 = baseline.packets { window.packets += p - p0 }
        if let b = s.bytes, let b0 = baseline.bytes { window.bytes += b - b0 }
        if let l = Self.delta(.packetsLost, s, baseline) { window.lost += max(0, l) }
        if let d = Self.delta(.jitterBufferDelay, s, baseline), let n = Self.delta(.jitterBufferEmittedCount, s, baseline), n > 0 {
            window.jitterBufferDelay += max(0, d)
            window.jitterBufferEmitted += n
        }
        if let f = Self.delta(.framesDecoded, s, baseline) {
            window.framesDecoded += f
            window.hasFramesDecoded = true
        }
        if let z = Self.delta(.totalFreezesDuration, s, baseline) { window.freezeSeconds += z }
        if let j = s[.jitter] {
            window.jitterSum += j
            window.jitterSamples += 1
        }
        // RTT: interval average over RTCP measurements since the baseline (observer-js advice),
        // else the latest RTCP value, else the report-level fallback (ICE or the other direction).
        if let dt = Self.delta(.totalRoundTripTime, s, baseline), let dn = Self.delta(.roundTripTimeMeasurements, s, baseline),
            dn > 0, dt >= 0
        {
            window.rttSum += dt / dn
            window.rttSamples += 1
        } else if let rtt = s[.roundTripTime] {
            window.rttSum += rtt
            window.rttSamples += 1
        } else if let rtt = fallbackRttSeconds {
            window.rttSum += rtt
            window.rttSamples += 1
        }
        if let fps = s[.framesPerSecond] {
            window.fpsGauge = fps
            maxSeenFps = max(maxSeenFps, fps)
        }
    }
}
