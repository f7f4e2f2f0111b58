// RelaisQuality: one JSON stats object as the decoders see it, before linking.

/// One stats object (a getStats() entry or a compact stream) with the members Relais reads.
/// References to other entries (`codecId`, `remoteId`…) are kept as hashes of their bytes.
struct StatsEntry {
    var type: StatsWord?
    var kind: MediaKind?
    var direction: StreamDirection?
    var codec: Codec = .unknown
    var fec = false
    var idHash: UInt64 = 0
    var hasId = false
    var codecIdHash: UInt64 = 0
    var remoteIdHash: UInt64 = 0
    var localIdHash: UInt64 = 0
    var mediaSourceIdHash: UInt64 = 0
    var selectedPairIdHash: UInt64 = 0
    var implementationHash: UInt64 = 0
    var failedState = false
    var nominated = false
    var selected = false
    var succeeded = false
    var stats = StreamStats()

    /// Reads one member's value into the entry. Unknown members are skipped (validated);
    /// known members must have their documented JSON type, or be `null` (what JSON.stringify
    /// writes for NaN), which reads as absent.
    @inline(__always)
    mutating func apply(_ key: StatsKey?, _ s: inout JSONScanner) throws(StatsDecodeError) {
        guard let key else { return try s.skipValue() }
        let kind = try s.peekKind()
        if kind == .null { return try s.readNull() }
        switch key {
        case .metric(let m):
            if kind == .nonFinite { throw .nonFinite(offset: s.pos) }
            guard kind == .number else { throw .badFieldType(offset: s.pos) }
            let at = s.pos
            let v = try s.readNumber()
            if v < 0, m.mustBeNonNegative { throw .negativeCounter(offset: at) }
            stats[m] = v
        case .flag(let f):
            guard kind == .bool else { throw .badFieldType(offset: s.pos) }
            let v = try s.readBool()
            switch f {
            case .nominated: nominated = v
            case .selected: selected = v
            case .fec: fec = v
            }
        case .text(let t):
            guard kind == .string else { throw .badFieldType(offset: s.pos) }
            let token = try s.readString()
            applyText(t, token, s)
        case .streams:
            try s.skipValue()
        }
    }

    private mutating func applyText(_ field: StatsKey.TextField, _ token: JSONString, _ s: JSONScanner) {
        switch field {
        case .type: type = StatsWordTable.shared.lookup(token, in: s)
        case .id:
            idHash = s.fullHash(token)
            hasId = true
        case .kind, .mediaType:
            switch StatsWordTable.shared.lookup(token, in: s) {
            case .audio: kind = .audio
            case .video: kind = .video
            default: break
            }
        case .dir:
            switch StatsWordTable.shared.lookup(token, in: s) {
            case .inShort, .inLong: direction = .inbound
            case .outShort, .outLong: direction = .outbound
            default: break
            }
        case .codec, .mimeType:
            codec = StatsWordTable.shared.lookup(token, in: s)?.codec ?? .unknown
        case .codecId: codecIdHash = s.fullHash(token)
        case .remoteId: remoteIdHash = s.fullHash(token)
        case .localId: localIdHash = s.fullHash(token)
        case .mediaSourceId: mediaSourceIdHash = s.fullHash(token)
        case .selectedCandidatePairId: selectedPairIdHash = s.fullHash(token)
        case .sdpFmtpLine: if s.contains(token, "useinbandfec=1") { fec = true }
        case .state, .iceState:
            switch StatsWordTable.shared.lookup(token, in: s) {
            case .failed, .closed: failedState = true
            default: succeeded = succeeded || s.equals(token, "succeeded")
            }
        case .decoderImplementation, .encoderImplementation:
            implementationHash = s.fullHash(token)
        }
    }

    /// Reads the members of an object whose `{` was consumed and first key read.
    mutating func readMembers(firstKey: JSONString, _ s: inout JSONScanner) throws(StatsDecodeError) {
        var key = firstKey
        while true {
            try apply(StatsKeyTable.shared.lookup(key, in: s), &s)
            guard try s.nextMember() else { return }
            key = try s.readKey()
        }
    }

    /// Reads one whole object value (cursor on `{`).
    mutating func readObject(_ s: inout JSONScanner) throws(StatsDecodeError) {
        let kind = try s.peekKind()
        guard kind == .object else { throw kind == .invalid ? .invalidJSON(offset: s.pos) : .badFieldType(offset: s.pos) }
        guard try s.beginObject() else { return }
        try readMembers(firstKey: try s.readKey(), &s)
    }
}
