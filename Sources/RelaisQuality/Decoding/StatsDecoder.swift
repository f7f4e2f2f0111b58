// RelaisQuality: decoding a stats report from bytes (compact schema or raw getStats()).

/// Decodes stats reports from bytes into a reused ``StatsReport``.
///
/// Accepts the Relais compact schema and the browser's `getStats()` output (array or
/// id-keyed object); docs/quality.md describes both and how they are told apart. The decoder
/// owns scratch arrays for getStats() linking, so keep one per shard and reuse it: after the
/// first few reports, decoding allocates nothing.
///
/// Not `Sendable`-shared: one decoder per event-loop thread, like the rest of a shard.
public struct StatsDecoder {
    /// Bounds on what one report may cost. Defaults fit a six-person mesh's raw getStats().
    public struct Limits: Sendable {
        /// Largest report in bytes (the protocol's default message limit is 256 KiB).
        public var maxBytes = 256 * 1024
        /// Deepest nesting. getStats() needs 3 (array, entry, `qualityLimitationDurations`).
        /// Capped at 64 by the scanner's bit stack.
        public var maxDepth = 16
        /// Array elements plus object members in the whole report.
        public var maxEntries = 20_000
        /// RTP streams (inbound + outbound) in one report.
        public var maxStreams = 32
        /// Longest string (certificates in getStats() are ~600 bytes).
        public var maxStringBytes = 8 * 1024

        public init() {}
    }

    public var limits: Limits {
        didSet { limits.maxDepth = min(limits.maxDepth, 64) }
    }
    /// getStats() entries waiting to be linked; capacity is kept between reports.
    var scratch = BrowserScratch()
    /// Whether minified compact reports try ``decodeCompactFast(_:count:into:)`` first. Only
    /// tests turn it off, to compare the fast path with the general scanner.
    var compactFastPath = true
    /// The compact fast path's padded copy of the report. Copies of a decoder share it, which
    /// is harmless: nothing in it outlives one `decode` call, and a decoder is used by one
    /// thread at a time.
    var padded = PaddedReport()
    /// The member order the fast path saw last, per stream position (shared by copies, like `padded`).
    var hints = CompactNameHints()

    public init(limits: Limits = Limits()) {
        var l = limits
        l.maxDepth = min(l.maxDepth, 64)
        self.limits = l
    }

    /// Decodes `bytes` into `report`. On error `report` holds no usable data and must not be
    /// fed to the pipeline (``QualityShard`` never does).
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, into report: inout StatsReport)
        throws(StatsDecodeError)
    {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(bytes: bytes.count) }
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw .truncated }
        // Minified compact reports (what the Relais clients send) take the one-pass fast path;
        // anything it does not handle is decoded again, from the start, by the general scanner.
        if compactFastPath, bytes.count > 1 {
            let p = base.assumingMemoryBound(to: UInt8.self)
            if p[0] == UInt8(ascii: "{"), p[1] == UInt8(ascii: "\"") {
                report.resetKeepingStreams(format: .compact)
                if decodeCompactFast(p, count: bytes.count, into: &report) { return }
            }
        }
        var s = JSONScanner(base: base, count: bytes.count, limits: limits)
        switch try s.peekKind() {
        case .array:
            report.reset(format: .browserArray)
            try decodeBrowserArray(&s, into: &report)
        case .object:
            guard try s.beginObject() else { throw .unsupportedFormat }
            let firstKey = try s.readKey()
            // The id-keyed getStats() form has objects as member values; the compact schema's
            // top-level members are numbers, strings and the `streams` array, never objects.
            if try s.peekKind() == .object {
                report.reset(format: .browserMap)
                try decodeBrowserMap(firstKey: firstKey, &s, into: &report)
            } else {
                report.reset(format: .compact)
                try decodeCompact(firstKey: firstKey, &s, into: &report)
            }
        case .invalid:
            throw .invalidJSON(offset: s.pos)
        default:
            throw .unsupportedFormat
        }
        try s.expectEnd()
    }

    /// Convenience over ``decode(_:into:)-(UnsafeRawBufferPointer,_)`` for a byte array.
    public mutating func decode(_ bytes: [UInt8], into report: inout StatsReport) throws(StatsDecodeError) {
        // Array.withUnsafeBytes is untyped-rethrows; carry the typed error out in a Result.
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(StatsDecodeError) in try decode(raw, into: &report) }
        }
        try result.get()
    }

    /// Decodes into a fresh report (allocates; for tests and tools).
    public mutating func decode(_ bytes: [UInt8]) throws(StatsDecodeError) -> StatsReport {
        var report = StatsReport()
        try decode(bytes, into: &report)
        return report
    }

    /// Appends a stream, enforcing the stream limit and id uniqueness.
    func append(_ stream: StreamStats, to report: inout StatsReport) throws(StatsDecodeError) {
        guard report.streams.count < limits.maxStreams else { throw .tooManyStreams }
        for existing in report.streams where existing.idHash == stream.idHash {
            throw .duplicateStream
        }
        report.streams.append(stream)
    }
}
