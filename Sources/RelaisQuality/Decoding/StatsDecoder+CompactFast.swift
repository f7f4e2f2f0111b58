// RelaisQuality: the fast path for minified compact reports (docs/quality.md §1.1, §5).

extension StatsDecoder {
    /// Decodes a minified compact report in one pass, writing straight into `report`, or
    /// returns `false` as soon as anything is unusual (whitespace, an unknown or non-compact
    /// member, `null`, a wrong type, an escape in a name, a limit reached, any error). The
    /// caller then decodes the same bytes with the general scanner, which produces the report
    /// or the error: the fast path only ever succeeds where the general path gives the same
    /// report, and never decides an error itself.
    ///
    /// It works on a padded, writable copy of the bytes (``PaddedReport``: no bounds checks).
    /// Per member: one four-word compare of `,"name":` with the name expected next (separator,
    /// name and `":` at once), the value read into its slot, one test for `}`. No whitespace
    /// skips, no type peeking, no `StatsEntry`.
    mutating func decodeCompactFast(_ bytes: UnsafePointer<UInt8>, count: Int, into report: inout StatsReport)
        -> Bool
    {
        // Member names are strings too: the general path would reject a name over the limit.
        guard limits.maxStringBytes >= 32, limits.maxDepth >= 3 else { return false }
        let p = padded.load(bytes, count: count)
        let keys = CompactKeys.shared
        var pos = 0
        p[0] = UInt8(ascii: ",")  // `{`: the first member matches `,"name":` too
        var entries = 0
        var version: Double?
        var timestamp: Double?
        var rtt: Double?
        var transportBytes: Double?
        var failed = false
        var sawStreams = false
        var streams = 0
        var names = CompactNameReader(keys.top, keys.topCount, hints.top)
        while true {
            guard let e = names.member(at: p + pos) else { return false }
            pos &+= e.pointee.length
            entries &+= 1
            let code = e.pointee.code
            if code < 32 {
                let v: Double
                if let (f, end) = Self.paddedDecimal(p, pos) {
                    (v, pos) = (f, end)
                } else {
                    guard let (g, end) = number(p, count, pos, code) else { return false }
                    (v, pos) = (g, end)
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
            } else if code == CompactKeys.streams {
                guard decodeStreamsFast(p, count, &pos, keys, &entries, &streams, into: &report) else { return false }
                sawStreams = true
            } else if code == CompactKeys.iceState {
                guard p[pos] == UInt8(ascii: "\""), let (token, s, end) = string(p, count, pos) else { return false }
                pos = end
                switch StatsWordTable.shared.lookup(token, in: s) {
                case .failed, .closed: failed = true
                default: break
                }
            } else {
                return false
            }
            if p[pos] == UInt8(ascii: "}") { break }
        }
        guard pos &+ 1 == count, sawStreams, entries <= limits.maxEntries else { return false }
        report.trimStreams(to: streams)
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

    /// The `streams` array at `pos`, up to and including its `]`.
    private func decodeStreamsFast(_ p: UnsafeMutablePointer<UInt8>, _ count: Int, _ pos: inout Int,
                                   _ keys: CompactKeys, _ entries: inout Int, _ streams: inout Int,
                                   into report: inout StatsReport) -> Bool
    {
        guard p[pos] == UInt8(ascii: "[") else { return false }
        pos &+= 1
        while true {
            guard p[pos] == UInt8(ascii: "{"), streams < limits.maxStreams else { return false }
            p[pos] = UInt8(ascii: ",")  // the first member matches `,"name":` too
            entries &+= 1  // the array element
            // Decoded in place, in the report's storage (the previous report's stream k emptied):
            // a local `StreamStats` appended at the end was zeroed, then copied twice.
            let k = streams
            report.emptyStream(at: k)
            streams &+= 1
            let hints = self.hints.stream(k)
            guard decodeStreamFast(p, count, &pos, keys, &entries, hints, into: &report.streams[k]) else { return false }
            for i in 0..<k where report.streams[i].idHash == report.streams[k].idHash { return false }
            let b = p[pos]
            pos &+= 1
            if b == UInt8(ascii: "]") { return true }
            guard b == UInt8(ascii: ",") else { return false }
        }
    }

    /// The members of one stream object (its `{` already replaced by `,`), up to and including
    /// its `}`.
    @inline(__always)
    private func decodeStreamFast(_ p: UnsafeMutablePointer<UInt8>, _ count: Int, _ pos: inout Int,
                                  _ keys: CompactKeys, _ entries: inout Int, _ hints: UnsafeMutablePointer<UInt8>,
                                  into stream: inout StreamStats) -> Bool
    {
        var kind: MediaKind?
        var direction: StreamDirection?
        var hasId = false
        // The member and number reads are written out here and in the top-level loop: a shared
        // helper returning the number (value, end) measured +44 to +600 instructions per report.
        var names = CompactNameReader(keys.stream, keys.streamCount, hints)
        while true {
            guard let e = names.member(at: p + pos) else { return false }
            pos &+= e.pointee.length
            entries &+= 1
            let code = e.pointee.code
            if code < 32 {
                let v: Double
                if let (f, end) = Self.paddedDecimal(p, pos) {
                    (v, pos) = (f, end)
                } else {
                    guard let (g, end) = number(p, count, pos, code) else { return false }
                    (v, pos) = (g, end)
                }
                stream.values[code] = v
                stream.present |= 1 &<< UInt64(code)
            } else if code == CompactKeys.fec {
                guard let (fec, end) = Self.bool(p, pos) else { return false }
                (stream.fec, pos) = (fec, end)
            } else {
                guard p[pos] == UInt8(ascii: "\"") else { return false }
                // The common lowercase words in one masked compare, anything else as the scanner reads it.
                let w = Self.word(p + (pos &+ 1))
                switch code {
                case CompactKeys.kind:
                    if keys.audio.matches(w) {
                        kind = .audio
                        pos &+= keys.audio.length
                    } else if keys.video.matches(w) {
                        kind = .video
                        pos &+= keys.video.length
                    } else {
                        guard let (token, s, end) = string(p, count, pos) else { return false }
                        pos = end
                        switch StatsWordTable.shared.lookup(token, in: s) {
                        case .audio: kind = .audio
                        case .video: kind = .video
                        default: break
                        }
                    }
                case CompactKeys.dir:
                    if keys.inWord.matches(w) {
                        direction = .inbound
                        pos &+= keys.inWord.length
                    } else if keys.out.matches(w) {
                        direction = .outbound
                        pos &+= keys.out.length
                    } else {
                        guard let (token, s, end) = string(p, count, pos) else { return false }
                        pos = end
                        switch StatsWordTable.shared.lookup(token, in: s) {
                        case .inShort, .inLong: direction = .inbound
                        case .outShort, .outLong: direction = .outbound
                        default: break
                        }
                    }
                case CompactKeys.codec:
                    if keys.opus.matches(w) {
                        stream.codec = .opus
                        pos &+= keys.opus.length
                    } else if keys.vp8.matches(w) {
                        stream.codec = .vp8
                        pos &+= keys.vp8.length
                    } else {
                        guard let (token, s, end) = string(p, count, pos) else { return false }
                        pos = end
                        stream.codec = StatsWordTable.shared.lookup(token, in: s)?.codec ?? .unknown
                    }
                case CompactKeys.id:
                    guard let (token, s, end) = string(p, count, pos) else { return false }
                    pos = end
                    stream.idHash = s.fullHash(token)
                    hasId = true
                default:  // the sentinel
                    return false
                }
            }
            if p[pos] == UInt8(ascii: "}") { break }
        }
        pos &+= 1
        guard let kind, let direction else { return false }
        stream.kind = kind
        stream.direction = direction
        if !hasId { stream.idHash = UInt64(kind.rawValue) << 8 | UInt64(direction.rawValue) }
        stream.codecIdentity = UInt64(stream.codec.rawValue)
        return true
    }
}
