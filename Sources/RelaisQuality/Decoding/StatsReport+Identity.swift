// RelaisQuality: bit-for-bit comparison of two decoded reports.

extension StatsReport {
    /// Every field of both reports and every slot of every stream (present or not), bit for bit.
    /// For the tests and the fuzz target that hold the compact fast path to the general scanner:
    /// "the same report" there means this, not numeric equality (−0 vs 0, NaN payloads).
    func isIdentical(to other: StatsReport) -> Bool {
        guard format == other.format, timestampMs?.bitPattern == other.timestampMs?.bitPattern,
            transportRoundTripTime?.bitPattern == other.transportRoundTripTime?.bitPattern,
            transportBytesReceived?.bitPattern == other.transportBytesReceived?.bitPattern,
            connectionFailed == other.connectionFailed, streams.count == other.streams.count
        else { return false }
        for (s, t) in zip(streams, other.streams) {
            guard s.kind == t.kind, s.direction == t.direction, s.codec == t.codec, s.fec == t.fec,
                s.idHash == t.idHash, s.codecIdentity == t.codecIdentity, s.present == t.present
            else { return false }
            for i in 0..<StatsMetric.slotCount where s.values[i].bitPattern != t.values[i].bitPattern { return false }
        }
        return true
    }
}
