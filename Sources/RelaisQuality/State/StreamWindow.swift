// RelaisQuality: the deltas of one stream accumulated over the open 5 s window.

/// Sums of counter deltas and gauge samples for one stream over one window. Plain numbers,
/// reset in place when the window closes.
struct StreamWindow {
    /// Stats time covered by accepted deltas, ms.
    var elapsedMs = 0.0
    var packets = 0.0
    /// Sum of per-delta `max(0, Δlost)`: a decrease is late/duplicate packets, not negative loss.
    var lost = 0.0
    var bytes = 0.0
    var jitterBufferDelay = 0.0
    var jitterBufferEmitted = 0.0
    var framesDecoded = 0.0
    var hasFramesDecoded = false
    var freezeSeconds = 0.0
    var jitterSum = 0.0
    var jitterSamples = 0.0
    var rttSum = 0.0
    var rttSamples = 0.0
    var fpsGauge: Double?
    /// Deltas accepted in this window (0 → the stream is not scored this window).
    var deltas = 0
    /// Counter resets and dropped (stalled or backwards) reports seen, for diagnostics.
    var resets = 0
    var dropped = 0

    mutating func clear() { self = StreamWindow() }

    var meanJitterSeconds: Double? { jitterSamples > 0 ? jitterSum / jitterSamples : nil }
    var meanRttSeconds: Double? { rttSamples > 0 ? rttSum / rttSamples : nil }
}

/// What one report did to a stream's state.
public enum StreamUpdate: Sendable, Equatable {
    /// First report of the stream: stored as the baseline, no delta.
    case baseline
    /// A delta was accumulated into the window.
    case delta
    /// Counters went down or the codec changed: re-baselined, no delta (Chrome resets on codec switch).
    case counterReset
    /// Same timestamp as the baseline: a stalled stats source, not "zero traffic"; ignored.
    case stalled
    /// Timestamp went backwards (client restarted its stats): re-baselined, no delta.
    case timestampBackwards
}
