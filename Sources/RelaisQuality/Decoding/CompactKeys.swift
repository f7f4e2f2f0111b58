// RelaisQuality: the member names the compact fast path matches (docs/quality.md §1.1, §5).


/// A compact member name as the fast path matches it: the bytes `name":` after the opening
/// quote, as four masked little-endian words (the longest name, `roundTripTimeMeasurements`,
/// is 27 bytes with `":`). Including `":` makes the match exact: the name ends there.
struct CompactKeyPattern {
    var words: (UInt64, UInt64, UInt64, UInt64)
    var masks: (UInt64, UInt64, UInt64, UInt64)
    /// Bytes of `name":`.
    var length: Int
    /// 0–31: a ``StatsMetric`` slot; otherwise one of the `CompactKeys.*` codes.
    var code: Int

    init(_ name: StaticString, code: Int) {
        var bytes = [UInt8](repeating: 0, count: 32)
        let n = name.utf8CodeUnitCount
        for i in 0..<n { bytes[i] = name.utf8Start[i] }
        bytes[n] = UInt8(ascii: "\"")
        bytes[n + 1] = UInt8(ascii: ":")
        let length = n + 2
        precondition(length <= 32)
        self.length = length
        func word(_ k: Int) -> (UInt64, UInt64) {
            var w: UInt64 = 0
            var m: UInt64 = 0
            for i in 0..<8 where k * 8 + i < length {
                w |= UInt64(bytes[k * 8 + i]) << UInt64(8 * i)
                m |= 0xFF << UInt64(8 * i)
            }
            return (w, m)
        }
        let (w0, m0) = word(0), (w1, m1) = word(1), (w2, m2) = word(2), (w3, m3) = word(3)
        words = (w0, w1, w2, w3)
        masks = (m0, m1, m2, m3)
        self.code = code
    }

    /// Whether the 32 readable bytes at `p` start with this pattern.
    @inline(__always)
    func matches(_ p: UnsafeRawPointer) -> Bool {
        let d0 = (p.loadUnaligned(as: UInt64.self) ^ words.0) & masks.0
        let d1 = (p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ words.1) & masks.1
        let d2 = (p.loadUnaligned(fromByteOffset: 16, as: UInt64.self) ^ words.2) & masks.2
        let d3 = (p.loadUnaligned(fromByteOffset: 24, as: UInt64.self) ^ words.3) & masks.3
        return d0 | d1 | d2 | d3 == 0
    }
}

/// The member names the fast path knows, in the documented order (docs/quality.md §1.1), so
/// that a conforming report finds each name at or just after the previous one's position.
/// Allocated once and never freed: the decoder reads it through a pointer (no array checks).
struct CompactKeys: @unchecked Sendable {
    static let id = 100, kind = 101, dir = 102, codec = 103, fec = 104, streams = 105, iceState = 106

    let top: UnsafeMutablePointer<CompactKeyPattern>
    let topCount: Int
    let stream: UnsafeMutablePointer<CompactKeyPattern>
    let streamCount: Int
    /// Exact lowercase words, as (length, head word): what `StatsWordTable` would find.
    let audio: UInt64, video: UInt64, inWord: UInt64, out: UInt64, opus: UInt64, vp8: UInt64

    static let shared = CompactKeys()

    private init() {
        func metric(_ m: StatsMetric) -> CompactKeyPattern { CompactKeyPattern(m.name, code: m.rawValue) }
        var top: [CompactKeyPattern] = [
            metric(.version), metric(.timestamp), metric(.roundTripTime), metric(.bytesReceived),
            CompactKeyPattern("iceState", code: Self.iceState), CompactKeyPattern("streams", code: Self.streams),
            CompactKeyPattern("state", code: Self.iceState),
        ]
        let documented: [StatsMetric] = [
            .packetsReceived, .packetsLost, .packetsDiscarded, .bytesReceived, .jitter, .jitterBufferDelay,
            .jitterBufferEmittedCount, .concealedSamples, .totalSamplesReceived, .framesDecoded, .framesDropped,
            .freezeCount, .totalFreezesDuration, .frameWidth, .frameHeight, .framesPerSecond, .expectedWidth,
            .expectedHeight, .expectedFps, .roundTripTime, .totalRoundTripTime, .roundTripTimeMeasurements,
            .packetsSent, .bytesSent, .targetBitrate, .fractionLost, .timestamp,
        ]
        var stream: [CompactKeyPattern] = [
            CompactKeyPattern("id", code: Self.id), CompactKeyPattern("kind", code: Self.kind),
            CompactKeyPattern("dir", code: Self.dir), CompactKeyPattern("codec", code: Self.codec),
            CompactKeyPattern("fec", code: Self.fec),
        ] + documented.map(metric)
        // Every other metric is accepted as the general path accepts it (stored, unused).
        for m in StatsMetric.allCases where !documented.contains(m) { stream.append(metric(m)) }
        for m in StatsMetric.allCases where ![.version, .timestamp, .roundTripTime, .bytesReceived].contains(m) {
            top.append(metric(m))
        }
        self.top = .allocate(capacity: top.count)
        self.top.initialize(from: top, count: top.count)
        topCount = top.count
        self.stream = .allocate(capacity: stream.count)
        self.stream.initialize(from: stream, count: stream.count)
        streamCount = stream.count
        func head(_ s: StaticString) -> UInt64 { JSONScanner.token(s).head }
        audio = head("audio")
        video = head("video")
        inWord = head("in")
        out = head("out")
        opus = head("opus")
        vp8 = head("vp8")
    }
}
