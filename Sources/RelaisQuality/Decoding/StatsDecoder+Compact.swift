// RelaisQuality: the Relais compact report schema (docs/quality.md).

extension StatsDecoder {
    /// The only compact schema version so far.
    public static let compactVersion = 1.0

    /// Decodes a compact report whose `{` and first key were consumed.
    ///
    /// Top level: `v`, `timestamp`, `streams`, and optionally `roundTripTime` (ICE RTT, s),
    /// `bytesReceived` (transport) and `iceState`. A stream without its own `timestamp` takes the
    /// report's, which may come after `streams` in the object, so it is filled in at the end.
    mutating func decodeCompact(firstKey: JSONString, _ s: inout JSONScanner, into report: inout StatsReport)
        throws(StatsDecodeError)
    {
        var top = StatsEntry()
        var key = firstKey
        while true {
            let k = StatsKeyTable.shared.lookup(key, in: s)
            if k == .streams {
                try decodeCompactStreams(&s, into: &report)
            } else {
                try top.apply(k, &s)
            }
            guard try s.nextMember() else { break }
            key = try s.readKey()
        }
        if let v = top.stats[.version], v != Self.compactVersion { throw .unsupportedVersion }
        report.timestampMs = top.stats[.timestamp]
        report.transportRoundTripTime = top.stats[.roundTripTime] ?? top.stats[.currentRoundTripTime]
        report.transportBytesReceived = top.stats[.bytesReceived]
        report.connectionFailed = top.failedState
        for i in report.streams.indices where !report.streams[i].has(.timestamp) {
            guard let t = report.timestampMs else { throw .missingField }
            report.streams[i][.timestamp] = t
        }
    }

    private func decodeCompactStreams(_ s: inout JSONScanner, into report: inout StatsReport)
        throws(StatsDecodeError)
    {
        let kind = try s.peekKind()
        if kind == .null { return try s.readNull() }
        guard kind == .array else { throw .badFieldType(offset: s.pos) }
        guard try s.beginArray() else { return }
        repeat {
            var entry = StatsEntry()
            try entry.readObject(&s)
            guard let mediaKind = entry.kind, let direction = entry.direction else { throw .missingField }
            var stream = entry.stats
            stream.kind = mediaKind
            stream.direction = direction
            stream.codec = entry.codec
            stream.fec = entry.fec
            // Without an id, kind + direction identify the stream (one of each per report).
            stream.idHash = entry.hasId ? entry.idHash : UInt64(mediaKind.rawValue) << 8 | UInt64(direction.rawValue)
            stream.codecIdentity = UInt64(entry.codec.rawValue) ^ entry.implementationHash
            try append(stream, to: &report)
        } while try s.nextElement()
    }
}
