// RelaisQuality: why a stats report was rejected.

/// Why a stats report was rejected.
///
/// Decoding is all-or-nothing: a report that throws leaves every piece of quality state exactly
/// as it was, so a hostile or broken client can only lose its own report, never corrupt scores.
/// Each case has a stable string ``code`` that the server puts in its `error` message and that
/// dashboards can count; the codes never change meaning once published.
public enum StatsDecodeError: Error, Sendable, Hashable {
    /// The bytes are not JSON (bad token, bad escape, trailing bytes, control character in a string).
    case invalidJSON(offset: Int)
    /// The input ends in the middle of a value.
    case truncated
    /// The input is larger than ``StatsDecoder/Limits/maxBytes``.
    case tooLarge(bytes: Int)
    /// Arrays or objects nest deeper than ``StatsDecoder/Limits/maxDepth``.
    case tooDeep
    /// More RTP streams than ``StatsDecoder/Limits/maxStreams`` in one report.
    case tooManyStreams
    /// More array elements or object members than ``StatsDecoder/Limits/maxEntries``.
    case tooManyEntries
    /// A string longer than ``StatsDecoder/Limits/maxStringBytes`` or a number longer than 64 bytes.
    case valueTooLong(offset: Int)
    /// A known field has the wrong JSON type (a string where a number belongs, say).
    case badFieldType(offset: Int)
    /// `NaN`, `Infinity` or a number that overflows a `Double`.
    case nonFinite(offset: Int)
    /// A counter or gauge that cannot be negative is negative (`packetsLost` may be negative).
    case negativeCounter(offset: Int)
    /// A stream lacks a field the schema requires (compact: `kind`, `dir`).
    case missingField
    /// Two RTP streams in one report share an `id`.
    case duplicateStream
    /// The top-level value is neither a compact report, a getStats() array nor a getStats() map.
    case unsupportedFormat
    /// A compact report with a `v` this decoder does not know.
    case unsupportedVersion

    /// Stable, machine-readable code, e.g. `"too_deep"`.
    public var code: String {
        switch self {
        case .invalidJSON: "invalid_json"
        case .truncated: "truncated"
        case .tooLarge: "too_large"
        case .tooDeep: "too_deep"
        case .tooManyStreams: "too_many_streams"
        case .tooManyEntries: "too_many_entries"
        case .valueTooLong: "value_too_long"
        case .badFieldType: "bad_field_type"
        case .nonFinite: "non_finite"
        case .negativeCounter: "negative_counter"
        case .missingField: "missing_field"
        case .duplicateStream: "duplicate_stream"
        case .unsupportedFormat: "unsupported_format"
        case .unsupportedVersion: "unsupported_version"
        }
    }
}
