// RelaisQuality: one RTP stream of one decoded report.

/// Audio or video.
public enum MediaKind: UInt8, Sendable, Hashable {
    case audio, video

    public var name: String { self == .audio ? "audio" : "video" }
}

/// Whether the reporting client receives (`inbound`) or sends (`outbound`) the stream.
public enum StreamDirection: UInt8, Sendable, Hashable {
    case inbound, outbound
}

/// Codec families the scores distinguish. Unknown codecs score with Opus/VP8 assumptions.
public enum Codec: UInt8, Sendable, Hashable {
    case unknown, opus, red, g711, g722, vp8, vp9, h264, h265, av1
}

/// One RTP stream of a decoded report: cumulative counters and gauges as W3C defines them.
///
/// Fixed-size value (no references), so a report's streams live in one reused array and
/// decoding allocates nothing. Missing fields read as `nil`, never as 0: "0 packets" and
/// "did not say" must stay distinguishable for the counter guards.
public struct StreamStats: Sendable {
    public internal(set) var kind: MediaKind = .audio
    public internal(set) var direction: StreamDirection = .inbound
    public internal(set) var codec: Codec = .unknown
    /// In-band FEC negotiated (`useinbandfec=1` in the codec's fmtp line, or compact `fec`).
    public internal(set) var fec: Bool = false
    /// FNV-1a hash of the stats `id`: streams are keyed by id (not SSRC) as the reference advises.
    public internal(set) var idHash: UInt64 = 0
    /// Hash of `codecId` and the decoder/encoder implementation: when it changes, Chrome has
    /// reset the counters (codec switch), so the stream state re-baselines.
    var codecIdentity: UInt64 = 0
    var values = InlineArray<32, Double>(repeating: 0)
    var present: UInt64 = 0

    public init() {}

    /// A stream with nothing in it, built once. Appending a copy of it is one 288-byte copy;
    /// appending `StreamStats()` called `InlineArray(repeating:)` and copied the result twice
    /// (SwiftPM's release build generates code per source file, so the initialiser, in this
    /// file, is not inlined into the decoder's).
    static let empty = StreamStats()

    /// The field's value if the report carried it.
    public subscript(_ metric: StatsMetric) -> Double? {
        // Always inlined: an outlined getter received the ~270-byte struct by address and
        // copied it (memcpy) on each of the ~35 field reads per report in the update path.
        @inline(__always)
        get { present & (1 << UInt64(metric.rawValue)) != 0 ? values[metric.rawValue] : nil }
        @inline(__always)
        set {
            if let newValue {
                values[metric.rawValue] = newValue
                present |= 1 << UInt64(metric.rawValue)
            } else {
                present &= ~(1 << UInt64(metric.rawValue))
            }
        }
    }

    /// Copies `metric` from `other` if it has it.
    @inline(__always)
    mutating func copy(_ metric: StatsMetric, from other: StreamStats) {
        if other.has(metric) { self[metric] = other.values[metric.rawValue] }
    }

    @inline(__always)
    func has(_ metric: StatsMetric) -> Bool { present & (1 << UInt64(metric.rawValue)) != 0 }

    /// Packets received (inbound) or sent (outbound). Always inlined, like the subscript: read
    /// through a pointer from another file, an outlined getter copied the struct per call.
    var packets: Double? {
        @inline(__always) get { direction == .inbound ? self[.packetsReceived] : self[.packetsSent] }
    }
    /// Bytes received (inbound) or sent (outbound).
    var bytes: Double? {
        @inline(__always) get { direction == .inbound ? self[.bytesReceived] : self[.bytesSent] }
    }
}

/// A decoded stats report. Reused across decodes (`streams` keeps its capacity), so steady-state
/// decoding does not allocate.
public struct StatsReport: Sendable {
    public enum Format: Sendable, Hashable {
        /// The Relais compact schema (docs/quality.md).
        case compact
        /// `getStats()` serialised as an array of stats objects.
        case browserArray
        /// `getStats()` serialised as an object keyed by stats id (`Object.fromEntries(report)`).
        case browserMap
    }

    public internal(set) var format: Format = .compact
    public internal(set) var streams: [StreamStats] = []
    /// Report time in ms (compact `timestamp`, or the newest RTP entry's `timestamp`).
    public internal(set) var timestampMs: Double?
    /// ICE round-trip time of the selected candidate pair (or compact top-level `roundTripTime`), seconds.
    public internal(set) var transportRoundTripTime: Double?
    /// Bytes received on the selected candidate pair; RTCP keeps it growing while media is muted.
    public internal(set) var transportBytesReceived: Double?
    /// ICE or the selected pair reports `failed`/`closed`.
    public internal(set) var connectionFailed = false

    public init() {
        streams.reserveCapacity(8)
    }

    /// `reset(format:)` for the compact fast path, which overwrites the streams already in
    /// the array in place and appends only past them (``trimStreams(to:)`` drops the rest):
    /// a steady client's reports then cost no append (uniqueness and capacity checks, a
    /// temporary and two 288-byte copies per stream) and no removal.
    mutating func resetKeepingStreams(format: Format) {
        self.format = format
        timestampMs = nil
        transportRoundTripTime = nil
        transportBytesReceived = nil
        connectionFailed = false
    }

    /// Stream `k` (≤ `streams.count`) emptied in place, or appended empty.
    ///
    /// In place means zeroing its bytes: `StreamStats()` is all zero bytes (the first case of
    /// each enum, `false`, 0, 0.0; `StreamStatsTests` checks it). Assigning `StreamStats.empty`
    /// copied it twice (288 bytes, through a temporary).
    @inline(__always)
    mutating func emptyStream(at k: Int) {
        guard k < streams.count else { return streams.append(StreamStats.empty) }
        streams.withUnsafeMutableBufferPointer { b in
            _ = UnsafeMutableRawPointer(b.baseAddress! + k)
                .initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<StreamStats>.size)
        }
    }

    /// Drops the streams after the first `n`.
    mutating func trimStreams(to n: Int) {
        while streams.count > n { streams.removeLast() }
    }

    mutating func reset(format: Format) {
        self.format = format
        // Not `removeAll(keepingCapacity: true)`: that is the generic `replaceSubrange` (~80
        // instructions per report); a report has a stream or two, and `removeLast` keeps the
        // storage too.
        while !streams.isEmpty { streams.removeLast() }
        timestampMs = nil
        transportRoundTripTime = nil
        transportBytesReceived = nil
        connectionFailed = false
    }
}
