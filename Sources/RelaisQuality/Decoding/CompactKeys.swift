// RelaisQuality: the member names the compact fast path matches (docs/quality.md §1.1, §5).


/// A compact member name as the fast path matches it: the bytes `,"name":` from the separator
/// before it, as four masked little-endian words (the longest, `,"roundTripTimeMeasurements":`,
/// is 29 bytes). Including `":` makes the match exact: the name ends there. Including the `,`
/// checks the separator in the same compare (the fast path writes `,` over each object's `{`
/// in its copy, so first members match too).
struct CompactKeyPattern {
    var words: (UInt64, UInt64, UInt64, UInt64)
    var masks: (UInt64, UInt64, UInt64, UInt64)
    /// Bytes of `,"name":`.
    var length: Int
    /// 0–31: a ``StatsMetric`` slot; otherwise one of the `CompactKeys.*` codes.
    var code: Int

    /// The entry after the last of a table: matches only 32 bytes of 0xFF (never valid JSON
    /// here, and then its code makes the fast path give up; length 0 keeps the cursor), so the decoder can try the
    /// entry after the one that matched last without checking the table's end.
    static let sentinel = CompactKeyPattern(
        words: (.max, .max, .max, .max), masks: (.max, .max, .max, .max), length: 0, code: CompactKeys.sentinel)

    private init(words: (UInt64, UInt64, UInt64, UInt64), masks: (UInt64, UInt64, UInt64, UInt64), length: Int,
                 code: Int)
    {
        (self.words, self.masks, self.length, self.code) = (words, masks, length, code)
    }

    init(_ name: StaticString, code: Int) {
        var bytes = [UInt8](repeating: 0, count: 32)
        let n = name.utf8CodeUnitCount
        bytes[0] = UInt8(ascii: ",")
        bytes[1] = UInt8(ascii: "\"")
        for i in 0..<n { bytes[2 + i] = name.utf8Start[i] }
        bytes[n + 2] = UInt8(ascii: "\"")
        bytes[n + 3] = UInt8(ascii: ":")
        let length = n + 4
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
/// A class, so that taking `shared` is one pointer, not a copy of every field (measured 17
/// instructions per report fewer than as a struct). Immutable after `init`.
final class CompactKeys: @unchecked Sendable {
    static let id = 100, kind = 101, dir = 102, codec = 103, fec = 104, streams = 105, iceState = 106
    /// ``CompactKeyPattern/sentinel``'s code.
    static let sentinel = 107

    /// Top-level and stream member names; `topCount`/`streamCount` entries, then the sentinel.
    let top: UnsafeMutablePointer<CompactKeyPattern>
    let topCount: Int
    let stream: UnsafeMutablePointer<CompactKeyPattern>
    let streamCount: Int
    /// The common values with their closing quote, as little-endian words (`audio"` …): the
    /// bytes after a value's opening quote, masked to the word's length, equal one of these
    /// exactly when the value is that word, in lowercase, unescaped.
    let audio: QuotedWord, video: QuotedWord, inWord: QuotedWord, out: QuotedWord, opus: QuotedWord,
        vp8: QuotedWord

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
        topCount = top.count
        streamCount = stream.count
        top.append(.sentinel)
        stream.append(.sentinel)
        self.top = .allocate(capacity: top.count)
        self.top.initialize(from: top, count: top.count)
        self.stream = .allocate(capacity: stream.count)
        self.stream.initialize(from: stream, count: stream.count)
        audio = QuotedWord("audio")
        video = QuotedWord("video")
        inWord = QuotedWord("in")
        out = QuotedWord("out")
        opus = QuotedWord("opus")
        vp8 = QuotedWord("vp8")
    }
}

/// A short string value and its closing quote as one masked word (at most 7 bytes + `"`).
struct QuotedWord {
    let word: UInt64
    let mask: UInt64
    /// Bytes from the opening quote to after the closing one.
    let length: Int

    init(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        precondition(n <= 7)
        var w: UInt64 = 0
        for i in 0..<n { w |= UInt64(text.utf8Start[i]) << UInt64(8 * i) }
        word = w | UInt64(UInt8(ascii: "\"")) << UInt64(8 * n)
        mask = n == 7 ? .max : (1 << UInt64(8 * (n + 1))) - 1
        length = n + 2
    }

    /// Whether the word after an opening quote is this value.
    @inline(__always)
    func matches(_ w: UInt64) -> Bool { w & mask == word }
}
