// RelaisQuality: the fast path for minified compact reports (docs/quality.md §1.1, §5).

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

extension StatsDecoder {
    /// Decodes a minified compact report in one pass, writing straight into `report`, or
    /// returns `false` as soon as anything is unusual (whitespace, an unknown or non-compact
    /// member, `null`, a wrong type, an escape in a name, a limit reached, any error). The
    /// caller then decodes the same bytes with the general scanner, which produces the report
    /// or the error: the fast path only ever succeeds where the general path gives the same
    /// report, and never decides an error itself.
    ///
    /// What it saves per member: the name is compared with the expected next name (one masked
    /// four-word compare) instead of being scanned, hashed and looked up; no whitespace skips,
    /// no type peeking, no `StatsEntry`; values go to their slot directly.
    mutating func decodeCompactFast(_ base: UnsafePointer<UInt8>, count: Int, into report: inout StatsReport) -> Bool {
        // Member names are strings too: the general path would reject a name over the limit.
        guard limits.maxStringBytes >= 32 else { return false }
        let keys = CompactKeys.shared
        var s = JSONScanner(base: base, count: count, limits: limits)
        s.pos = 1  // `{`
        var entries = 0
        var version: Double?
        var timestamp: Double?
        var rtt: Double?
        var transportBytes: Double?
        var failed = false
        var sawStreams = false
        var next = 0
        do {
            while true {
                guard s.pos < count, base[s.pos] == UInt8(ascii: "\"") else { return false }
                s.pos &+= 1
                guard let code = Self.matchKey(&s, keys.top, keys.topCount, &next) else { return false }
                entries &+= 1
                switch code {
                case CompactKeys.streams:
                    guard try decodeStreamsFast(&s, keys, &entries, into: &report) else { return false }
                    sawStreams = true
                case CompactKeys.iceState:
                    guard s.pos < count, base[s.pos] == UInt8(ascii: "\"") else { return false }
                    let token = try s.readString()
                    switch StatsWordTable.shared.lookup(token, in: s) {
                    case .failed, .closed: failed = true
                    default: break
                    }
                default:
                    guard let v = try Self.number(&s, code) else { return false }
                    switch code {
                    case StatsMetric.version.rawValue: version = v
                    case StatsMetric.timestamp.rawValue: timestamp = v
                    case StatsMetric.roundTripTime.rawValue: rtt = v
                    case StatsMetric.bytesReceived.rawValue: transportBytes = v
                    // currentRoundTripTime is the general path's fallback for a missing roundTripTime.
                    case StatsMetric.currentRoundTripTime.rawValue: return false
                    default: break
                    }
                }
                guard s.pos < count else { return false }
                let b = base[s.pos]
                s.pos &+= 1
                if b == UInt8(ascii: "}") { break }
                guard b == UInt8(ascii: ",") else { return false }
            }
        } catch {
            return false
        }
        guard s.pos == count, sawStreams, entries <= limits.maxEntries else { return false }
        if let version, version != Self.compactVersion { return false }
        report.timestampMs = timestamp
        report.transportRoundTripTime = rtt
        report.transportBytesReceived = transportBytes
        report.connectionFailed = failed
        for i in report.streams.indices where !report.streams[i].has(.timestamp) {
            guard let timestamp else { return false }
            report.streams[i][.timestamp] = timestamp
        }
        return true
    }

    /// Matches the member name at the cursor (just after its opening quote) and consumes it
    /// with its `":`. Tries the names expected next first, then all of them; `nil` when the
    /// name is not one the fast path handles (or fewer than 32 bytes remain).
    @inline(__always)
    static func matchKey(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ n: Int,
                         _ next: inout Int) -> Int?
    {
        guard s.pos &+ 32 <= s.count else { return matchKeyNearEnd(&s, table, n, &next) }
        let p = UnsafeRawPointer(s.base + s.pos)
        var i = next
        let ahead = min(n, next &+ 8)
        while i < ahead {
            if table[i].matches(p) { return take(&s, table, i, &next) }
            i &+= 1
        }
        i = 0
        while i < n {
            if table[i].matches(p) { return take(&s, table, i, &next) }
            i &+= 1
        }
        return nil
    }

    /// `matchKey` for the last names of a report, where 32 bytes cannot be loaded: on a
    /// zero-padded copy (a pattern ends in `":`, so the padding never matches).
    private static func matchKeyNearEnd(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>,
                                        _ n: Int, _ next: inout Int) -> Int?
    {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &words) { buf in
            let available = s.count &- s.pos
            for k in 0..<available { buf[k] = s.base[s.pos &+ k] }
            let p = UnsafeRawPointer(buf.baseAddress!)
            // Patterns end in `":`, so at most one can match: near the end a plain scan is enough.
            var i = 0
            while i < n {
                if table[i].matches(p) { return take(&s, table, i, &next) }
                i &+= 1
            }
            return nil
        }
    }

    @inline(__always)
    private static func take(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ i: Int,
                             _ next: inout Int) -> Int
    {
        s.pos &+= table[i].length
        next = i &+ 1
        return table[i].code
    }

    /// A number value for metric `code`; `nil` for anything the general path must judge
    /// (not a number, `null`, a negative counter).
    @inline(never)
    static func number(_ s: inout JSONScanner, _ code: Int) throws(StatsDecodeError) -> Double? {
        guard s.pos < s.count else { return nil }
        let b = s.base[s.pos]
        guard b &- 0x30 < 10 || (b == UInt8(ascii: "-") && s.pos &+ 1 < s.count && s.base[s.pos &+ 1] &- 0x30 < 10)
        else { return nil }
        // Unsigned decimals without exponent, at most 16 integer digits, 7 fraction digits and
        // 19 in all, followed by `,` or `}` (counters, gauges, timestamps): folded 8 digits per
        // load into the same mantissa and power of ten as `readNumber`'s fast path, so the same
        // Double. Anything else (signs, exponents, longer runs, a leading zero) is read by the
        // scanner, which validates the grammar.
        if let v = fastDecimal(&s, firstByte: b) { return v }
        let v = try s.readNumber()
        if v < 0, code != StatsMetric.packetsLost.rawValue { return nil }
        return v
    }

    /// A string value of at most 7 plain bytes (ids, kinds, directions, codecs), read with one
    /// load: the same token `readString` returns (its first special byte is the closing quote,
    /// and the fast path runs only when `maxStringBytes` ≥ 32). `nil`: let `readString` read it.
    @inline(__always)
    static func shortString(_ s: inout JSONScanner) -> JSONString? {
        let start = s.pos &+ 1
        guard start &+ 8 <= s.count else { return nil }
        let special = JSONScanner.specialBytes(UnsafeRawPointer(s.base + start).loadUnaligned(as: UInt64.self))
        guard special != 0 else { return nil }
        let n = special.trailingZeroBitCount &>> 3
        guard s.base[start &+ n] == UInt8(ascii: "\"") else { return nil }
        s.pos = start &+ n &+ 1
        return s.token(start, start &+ n)
    }

    /// Digits at the start of an 8-byte little-endian word (0–8).
    @inline(__always)
    private static func leadingDigits(_ w: UInt64) -> Int {
        let x = w ^ 0x3030_3030_3030_3030
        return ((x | (x &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0).trailingZeroBitCount &>> 3
    }

    /// The value of the first `n` (1–8) digits of `w`.
    @inline(__always)
    private static func digitsValue(_ w: UInt64, _ n: Int) -> UInt64 {
        JSONScanner.eightDigits(w &<< UInt64(truncatingIfNeeded: 64 &- 8 &* n))
    }

    @inline(__always)
    private static func fastDecimal(_ s: inout JSONScanner, firstByte b: UInt8) -> Double? {
        var p = s.pos
        guard b != UInt8(ascii: "-"), p &+ 8 <= s.count else { return nil }
        var w = UnsafeRawPointer(s.base + p).loadUnaligned(as: UInt64.self)
        let n1 = leadingDigits(w)
        guard n1 > 0, n1 == 1 || b != UInt8(ascii: "0") else { return nil }
        var mantissa = digitsValue(w, n1)
        var digits = n1
        p &+= n1
        if n1 == 8 {
            guard p &+ 8 <= s.count else { return nil }
            w = UnsafeRawPointer(s.base + p).loadUnaligned(as: UInt64.self)
            let n = leadingDigits(w)
            guard n < 8 else { return nil }
            if n > 0 {
                mantissa = mantissa &* JSONScanner.powerOfTenInteger(n) &+ digitsValue(w, n)
                digits &+= n
                p &+= n
            }
        }
        var fraction = 0
        guard p < s.count else { return nil }
        if s.base[p] == UInt8(ascii: ".") {
            p &+= 1
            guard p &+ 8 <= s.count else { return nil }
            w = UnsafeRawPointer(s.base + p).loadUnaligned(as: UInt64.self)
            fraction = leadingDigits(w)
            guard fraction > 0, fraction < 8, digits &+ fraction <= 19 else { return nil }
            mantissa = mantissa &* JSONScanner.powerOfTenInteger(fraction) &+ digitsValue(w, fraction)
            p &+= fraction
            guard p < s.count else { return nil }
        }
        let after = s.base[p]
        guard after == UInt8(ascii: ",") || after == UInt8(ascii: "}") else { return nil }
        s.pos = p
        return fraction == 0 ? Double(mantissa) : Double(mantissa) / JSONScanner.powerOfTen(fraction)
    }

    private func decodeStreamsFast(_ s: inout JSONScanner, _ keys: CompactKeys, _ entries: inout Int,
                                   into report: inout StatsReport) throws(StatsDecodeError) -> Bool
    {
        let base = s.base
        let count = s.count
        guard limits.maxDepth >= 3, s.pos &+ 1 < count, base[s.pos] == UInt8(ascii: "["),
            base[s.pos &+ 1] == UInt8(ascii: "{")
        else { return false }
        s.pos &+= 1
        while true {
            // `{"`
            guard s.pos &+ 1 < count, base[s.pos] == UInt8(ascii: "{"), base[s.pos &+ 1] == UInt8(ascii: "\"") else {
                return false
            }
            s.pos &+= 1
            entries &+= 1  // the array element
            var stream = StreamStats()
            var kind: MediaKind?
            var direction: StreamDirection?
            var hasId = false
            var next = 0
            while true {
                guard s.pos < count, base[s.pos] == UInt8(ascii: "\"") else { return false }
                s.pos &+= 1
                guard let code = Self.matchKey(&s, keys.stream, keys.streamCount, &next) else { return false }
                entries &+= 1
                if code < 32 {
                    // The common case inline; signs, exponents and long numbers out of line.
                    let v: Double
                    if s.pos < count, let f = Self.fastDecimal(&s, firstByte: base[s.pos]) {
                        v = f
                    } else {
                        guard let g = try Self.number(&s, code) else { return false }
                        v = g
                    }
                    stream.values[code] = v
                    stream.present |= 1 &<< UInt64(code)
                } else if code == CompactKeys.fec {
                    if s.matchTrue() {
                        stream.fec = true
                    } else if s.matchFalse() {
                        stream.fec = false
                    } else {
                        return false
                    }
                } else {
                    guard s.pos < count, base[s.pos] == UInt8(ascii: "\"") else { return false }
                    let token: JSONString
                    if let t = Self.shortString(&s) { token = t } else { token = try s.readString() }
                    let n = token.count
                    switch code {
                    case CompactKeys.id:
                        stream.idHash = s.fullHash(token)
                        hasId = true
                    case CompactKeys.kind:
                        if n == 5, token.head == keys.audio {
                            kind = .audio
                        } else if n == 5, token.head == keys.video {
                            kind = .video
                        } else {
                            switch StatsWordTable.shared.lookup(token, in: s) {
                            case .audio: kind = .audio
                            case .video: kind = .video
                            default: break
                            }
                        }
                    case CompactKeys.dir:
                        if n == 2, token.head == keys.inWord {
                            direction = .inbound
                        } else if n == 3, token.head == keys.out {
                            direction = .outbound
                        } else {
                            switch StatsWordTable.shared.lookup(token, in: s) {
                            case .inShort, .inLong: direction = .inbound
                            case .outShort, .outLong: direction = .outbound
                            default: break
                            }
                        }
                    default:  // codec
                        if n == 4, token.head == keys.opus {
                            stream.codec = .opus
                        } else if n == 3, token.head == keys.vp8 {
                            stream.codec = .vp8
                        } else {
                            stream.codec = StatsWordTable.shared.lookup(token, in: s)?.codec ?? .unknown
                        }
                    }
                }
                guard s.pos < count else { return false }
                let b = base[s.pos]
                s.pos &+= 1
                if b == UInt8(ascii: "}") { break }
                guard b == UInt8(ascii: ",") else { return false }
            }
            guard let kind, let direction else { return false }
            stream.kind = kind
            stream.direction = direction
            if !hasId { stream.idHash = UInt64(kind.rawValue) << 8 | UInt64(direction.rawValue) }
            stream.codecIdentity = UInt64(stream.codec.rawValue)
            guard report.streams.count < limits.maxStreams else { return false }
            for i in report.streams.indices where report.streams[i].idHash == stream.idHash { return false }
            report.streams.append(stream)
            guard s.pos < count else { return false }
            let b = base[s.pos]
            s.pos &+= 1
            if b == UInt8(ascii: "]") { return true }
            guard b == UInt8(ascii: ",") else { return false }
        }
    }
}

extension JSONScanner {
    /// Consumes `true` at the cursor if it is there.
    @inline(__always)
    mutating func matchTrue() -> Bool {
        guard pos &+ 4 <= count, base[pos] == UInt8(ascii: "t"), base[pos &+ 1] == UInt8(ascii: "r"),
            base[pos &+ 2] == UInt8(ascii: "u"), base[pos &+ 3] == UInt8(ascii: "e")
        else { return false }
        pos &+= 4
        return true
    }

    /// Consumes `false` at the cursor if it is there.
    @inline(__always)
    mutating func matchFalse() -> Bool {
        guard pos &+ 5 <= count, base[pos] == UInt8(ascii: "f"), base[pos &+ 1] == UInt8(ascii: "a"),
            base[pos &+ 2] == UInt8(ascii: "l"), base[pos &+ 3] == UInt8(ascii: "s"), base[pos &+ 4] == UInt8(ascii: "e")
        else { return false }
        pos &+= 5
        return true
    }
}
