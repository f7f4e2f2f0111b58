// RelaisQuality: the fast path for minified compact reports (docs/quality.md §1.1, §5).

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
                    let v: Double
                    if let (f, end) = Self.fastDecimal(base, count, s.pos) {
                        (v, s.pos) = (f, end)
                    } else {
                        guard let g = try Self.number(&s, code) else { return false }
                        v = g
                    }
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
            // Decoded in place, in the report's storage: a local `StreamStats` appended at the end
            // was zeroed, then copied twice (288 bytes each) on the way into the array.
            guard report.streams.count < limits.maxStreams else { return false }
            report.streams.append(StreamStats())
            let k = report.streams.count &- 1
            guard try decodeStreamFast(&s, keys, &entries, into: &report.streams[k]) else { return false }
            for i in 0..<k where report.streams[i].idHash == report.streams[k].idHash { return false }
            guard s.pos < count else { return false }
            let b = base[s.pos]
            s.pos &+= 1
            if b == UInt8(ascii: "]") { return true }
            guard b == UInt8(ascii: ",") else { return false }
        }
    }

    /// The members of one stream object whose `{` was consumed, up to and including its `}`.
    @inline(__always)
    private func decodeStreamFast(_ s: inout JSONScanner, _ keys: CompactKeys, _ entries: inout Int,
                                  into stream: inout StreamStats) throws(StatsDecodeError) -> Bool
    {
        let base = s.base
        let count = s.count
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
                if let (f, end) = Self.fastDecimal(base, count, s.pos) {
                    v = f
                    s.pos = end
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
        return true
    }
}
