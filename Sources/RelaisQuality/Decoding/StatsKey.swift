// RelaisQuality: the table that maps JSON member names to what the decoders do with them.

/// What a JSON member name means to the decoders.
enum StatsKey: Equatable {
    /// A number stored in a ``StreamStats`` slot.
    case metric(StatsMetric)
    /// A string the decoders classify or hash.
    case text(TextField)
    /// A boolean.
    case flag(FlagField)
    /// The compact schema's array of streams.
    case streams

    enum TextField: CaseIterable {
        case type, id, kind, mediaType, codecId, remoteId, localId, mediaSourceId
        case selectedCandidatePairId, mimeType, sdpFmtpLine, state, iceState
        case decoderImplementation, encoderImplementation, codec, dir

        var name: StaticString {
            switch self {
            case .type: "type"
            case .id: "id"
            case .kind: "kind"
            case .mediaType: "mediaType"
            case .codecId: "codecId"
            case .remoteId: "remoteId"
            case .localId: "localId"
            case .mediaSourceId: "mediaSourceId"
            case .selectedCandidatePairId: "selectedCandidatePairId"
            case .mimeType: "mimeType"
            case .sdpFmtpLine: "sdpFmtpLine"
            case .state: "state"
            case .iceState: "iceState"
            case .decoderImplementation: "decoderImplementation"
            case .encoderImplementation: "encoderImplementation"
            case .codec: "codec"
            case .dir: "dir"
            }
        }
    }

    enum FlagField: CaseIterable {
        case nominated, selected, fec

        var name: StaticString {
            switch self {
            case .nominated: "nominated"
            case .selected: "selected"
            case .fec: "fec"
            }
        }
    }
}

/// Open-addressed hash table from member-name bytes to ``StatsKey``, built once.
///
/// Lookup is one shape hash (length, first and last 8 bytes), one or two probes
/// and a two-word comparison (plus the middle bytes of names over 16 bytes): no `String`, no
/// allocation. Unknown names (most of a getStats() report) miss on the first probe almost
/// always, since the table is at most a quarter full.
struct StatsKeyTable: Sendable {
    private struct Slot {
        /// The name's token (offsets unused): hash, length, head and tail words.
        var token: JSONString
        var name: StaticString
        var key: StatsKey
    }

    private static let size = 256  // power of two, ≥ 4 × number of keys
    private let slots: [Slot?]

    static let shared = StatsKeyTable()

    private init() {
        var entries: [(StaticString, StatsKey)] = []
        for m in StatsMetric.allCases { entries.append((m.name, .metric(m))) }
        for t in StatsKey.TextField.allCases { entries.append((t.name, .text(t))) }
        for f in StatsKey.FlagField.allCases { entries.append((f.name, .flag(f))) }
        entries.append(("streams", .streams))
        precondition(entries.count * 4 <= Self.size, "key table too full")
        var slots = [Slot?](repeating: nil, count: Self.size)
        for (name, key) in entries {
            let token = JSONScanner.token(name)
            var i = Int(truncatingIfNeeded: token.hash) & (Self.size - 1)
            while slots[i] != nil { i = (i + 1) & (Self.size - 1) }
            slots[i] = Slot(token: token, name: name, key: key)
        }
        self.slots = slots
    }

    @inline(__always)
    func lookup(_ token: JSONString, in scanner: JSONScanner) -> StatsKey? {
        var i = Int(truncatingIfNeeded: token.hash) & (Self.size - 1)
        while let slot = slots[i] {
            // Length, head and tail equal: the whole name up to 16 bytes; longer ones check the middle.
            if slot.token.hash == token.hash, slot.token.head == token.head, slot.token.tail == token.tail,
                slot.token.count == token.count, token.count <= 16 || scanner.equals(token, slot.name)
            {
                return slot.key
            }
            i = (i + 1) & (Self.size - 1)
        }
        return nil
    }
}

// StaticString and the enums are immutable values; the table is never mutated after init.
extension StatsKey: Sendable {}
