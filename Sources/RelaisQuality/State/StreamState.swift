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
    /// The counters of the last accepted report, valid when `hasBaseline`. Not an optional:
    /// `if let` on an optional struct copies it, and this is read on every report.
    var baseline = StreamBaseline()
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
        withUnsafePointer(to: s) { update(at: $0, fallbackRttSeconds: fallbackRttSeconds) }
    }

    /// ``update(_:fallbackRttSeconds:)`` reading the sample where it lies (the decoded report's
    /// stream array): a `StreamStats` argument taken from an array element was copied (288
    /// bytes, memcpy) on every call, on top of the copy that stores the new baseline. `s` must
    /// stay valid and unchanged for the call.
    mutating func update(at s: UnsafePointer<StreamStats>, fallbackRttSeconds: Double?) -> StreamUpdate {
        codec = s.pointee.codec
        fec = s.pointee.fec
        if let w = s.pointee[.frameWidth], let h = s.pointee[.frameHeight], w * h > maxSeenWidth * maxSeenHeight {
            maxSeenWidth = w
            maxSeenHeight = h
        }
        if let w = s.pointee[.expectedWidth], let h = s.pointee[.expectedHeight], w > 0, h > 0 {
            statedExpected = (w, h, s.pointee[.expectedFps])
        }
        guard hasBaseline else {
            baseline = StreamBaseline(s)
            hasBaseline = true
            return .baseline
        }
        if s.pointee.codecIdentity != baseline.codecIdentity {
            return rebaseline(s, as: .counterReset)
        }
        guard let t1 = s.pointee[.timestamp], let t0 = baseline[.timestamp] else {
            return rebaseline(s, as: .counterReset)
        }
        if t1 == t0 {
            window.dropped += 1
            return .stalled
        }
        if t1 < t0 { return rebaseline(s, as: .timestampBackwards) }
        // Any monotonic counter going down means the sender or receiver restarted counting.
        if decreased(.packetsReceived, s) || decreased(.packetsSent, s)
            || decreased(.bytesReceived, s) || decreased(.bytesSent, s)
            || decreased(.framesDecoded, s) || decreased(.jitterBufferEmittedCount, s)
            || decreased(.totalFreezesDuration, s)
        {
            return rebaseline(s, as: .counterReset)
        }
        accumulate(s, elapsedMs: t1 - t0, fallbackRttSeconds: fallbackRttSeconds)
        baseline = StreamBaseline(s)
        return .delta
    }

    private mutating func rebaseline(_ s: UnsafePointer<StreamStats>, as outcome: StreamUpdate) -> StreamUpdate {
        baseline = StreamBaseline(s)
        window.resets += 1
        return outcome
    }

    /// Whether `m` went down from the baseline to the sample. Samples by pointer, throughout:
    /// see ``update(at:fallbackRttSeconds:)``.
    @inline(__always)
    private func decreased(_ m: StatsMetric, _ s: UnsafePointer<StreamStats>) -> Bool {
        guard let a = s.pointee[m], let b = baseline[m] else { return false }
        return a < b
    }

    @inline(__always)
    private func delta(_ m: StatsMetric, _ s: UnsafePointer<StreamStats>) -> Double? {
        guard let a = s.pointee[m], let b = baseline[m] else { return nil }
        return a - b
    }

    /// Adds the deltas from the baseline to `s` to the window. A method on `self` (not a static
    /// taking the window, `maxSeenFps` and the baseline as arguments): passed as an argument next
    /// to `inout` parts of the same struct, the baseline (then a whole 288-byte `StreamStats`)
    /// was copied (memcpy) per report.
    @inline(__always)
    private mutating func accumulate(_ s: UnsafePointer<StreamStats>, elapsedMs: Double, fallbackRttSeconds: Double?) {
        window.deltas += 1
        window.elapsedMs += elapsedMs
        if let p = s.pointee.packets, let p0 = baseline.packets { window.packets += p - p0 }
        if let b = s.pointee.bytes, let b0 = baseline.bytes { window.bytes += b - b0 }
        if let l = delta(.packetsLost, s) { window.lost += max(0, l) }
        if let d = delta(.jitterBufferDelay, s), let n = delta(.jitterBufferEmittedCount, s), n > 0 {
            window.jitterBufferDelay += max(0, d)
            window.jitterBufferEmitted += n
        }
        if let f = delta(.framesDecoded, s) {
            window.framesDecoded += f
            window.hasFramesDecoded = true
        }
        if let z = delta(.totalFreezesDuration, s) { window.freezeSeconds += z }
        if let j = s.pointee[.jitter] {
            window.jitterSum += j
            window.jitterSamples += 1
        }
        // RTT: interval average over RTCP measurements since the baseline (observer-js advice),
        // else the latest RTCP value, else the report-level fallback (ICE or the other direction).
        if let dt = delta(.totalRoundTripTime, s), let dn = delta(.roundTripTimeMeasurements, s),
            dn > 0, dt >= 0
        {
            window.rttSum += dt / dn
            window.rttSamples += 1
        } else if let rtt = s.pointee[.roundTripTime] {
            window.rttSum += rtt
            window.rttSamples += 1
        } else if let rtt = fallbackRttSeconds {
            window.rttSum += rtt
            window.rttSamples += 1
        }
        if let fps = s.pointee[.framesPerSecond] {
            window.fpsGauge = fps
            maxSeenFps = max(maxSeenFps, fps)
        }
    }
}
