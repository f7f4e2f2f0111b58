// RelaisQuality: an allocation-free, pull-style JSON scanner over borrowed bytes.

/// A string token: where its raw bytes are, its first and last 8 bytes and a hash of them.
///
/// The scanner never materialises a `String`: callers match keys and enum values by hash and
/// then confirm the bytes, and keep ids as hashes. Escapes are validated but not decoded, so a
/// key written with `\u0069` for `i` is simply an unknown key: browsers never escape ASCII.
struct JSONString {
    var start: Int
    var end: Int
    /// Bytes 0..<min(8, count) as a little-endian word, zero-padded.
    var head: UInt64
    /// Bytes count-8..<count as a little-endian word when count ≥ 8, else 0. With `head` and the
    /// length this *is* the string up to 16 bytes, so most member names compare in two words.
    var tail: UInt64
    /// Shape hash of length, `head` and `tail`; see `JSONScanner.shape`.
    var hash: UInt64
    var count: Int { end - start }
}

/// The JSON type of the next value, found by peeking at one byte.
enum JSONValueKind {
    case object, array, string, number, bool, null, nonFinite, invalid
}

/// Pull scanner over a borrowed buffer. It validates the full JSON grammar as it goes, enforces
/// the depth, entry and length limits, and allocates nothing: it is a pointer, a length and a
/// cursor. Callers drive it (`beginObject`, `readKey`, `nextMember`…) and skip what they don't use.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    var pos: Int = 0
    var depth: Int = 0
    /// Array elements plus object members seen so far: bounds the work a hostile report causes.
    var entries: Int = 0
    let limits: StatsDecoder.Limits

    /// - Precondition: `count > 0` (the decoder rejects empty input before scanning).
    init(base: UnsafeRawPointer, count: Int, limits: StatsDecoder.Limits) {
        self.base = base.assumingMemoryBound(to: UInt8.self)
        self.count = count
        self.limits = limits
    }

    // MARK: - Bytes and whitespace

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < count {
            let b = base[pos]
            // Every JSON token starts above 0x20, so one compare settles the usual (minified) case.
            if b > 0x20 { return }
            // space, \t, \n, \r are the only JSON whitespace.
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { pos += 1 } else { return }
        }
    }

    /// The next non-whitespace byte, or `nil` at the end of input.
    @inline(__always)
    mutating func peekByte() -> UInt8? {
        skipWhitespace()
        return pos < count ? base[pos] : nil
    }

    mutating func peekKind() throws(StatsDecodeError) -> JSONValueKind {
        guard let b = peekByte() else { throw .truncated }
        switch b {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"):
            // `-Infinity` is what some encoders write for a negative infinity.
            if pos + 1 < count, base[pos + 1] == UInt8(ascii: "I") { return .nonFinite }
            return .number
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"): return .nonFinite
        default: return .invalid
        }
    }

    /// Consumes `byte` (after whitespace) or fails.
    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(StatsDecodeError) {
        guard let b = peekByte() else { throw .truncated }
        guard b == byte else { throw .invalidJSON(offset: pos) }
        pos += 1
    }

    /// After the top-level value only whitespace may follow.
    mutating func expectEnd() throws(StatsDecodeError) {
        if peekByte() != nil { throw .invalidJSON(offset: pos) }
    }

    // MARK: - Containers

    /// Consumes `{` and returns `false` if the object is empty (its `}` consumed too).
    mutating func beginObject() throws(StatsDecodeError) -> Bool {
        try enter(UInt8(ascii: "{"))
        if peekByte() == UInt8(ascii: "}") { pos += 1; depth -= 1; return false }
        return true
    }

    /// Consumes `[` and returns `false` if the array is empty (its `]` consumed too).
    mutating func beginArray() throws(StatsDecodeError) -> Bool {
        try enter(UInt8(ascii: "["))
        if peekByte() == UInt8(ascii: "]") { pos += 1; depth -= 1; return false }
        return true
    }

    private mutating func enter(_ open: UInt8) throws(StatsDecodeError) {
        try expect(open)
        depth += 1
        if depth > limits.maxDepth { throw .tooDeep }
    }

    /// After a member or element: `,` → `true` (another follows), closing bracket → `false`.
    @inline(__always)
    mutating func next(closing: UInt8) throws(StatsDecodeError) -> Bool {
        entries += 1
        if entries > limits.maxEntries { throw .tooManyEntries }
        guard let b = peekByte() else { throw .truncated }
        pos += 1
        if b == UInt8(ascii: ",") { return true }
        if b == closing { depth -= 1; return false }
        throw .invalidJSON(offset: pos - 1)
    }

    mutating func nextMember() throws(StatsDecodeError) -> Bool { try next(closing: UInt8(ascii: "}")) }
    mutating func nextElement() throws(StatsDecodeError) -> Bool { try next(closing: UInt8(ascii: "]")) }

    /// Reads `"key":` and returns the key token.
    @inline(__always)
    mutating func readKey() throws(StatsDecodeError) -> JSONString {
        guard let b = peekByte() else { throw .truncated }
        guard b == UInt8(ascii: "\"") else { throw .invalidJSON(offset: pos) }
        let key = try readString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    // MARK: - Skipping

    /// Skips one value of any type, validating it. Iterative: the open containers are a bit
    /// stack in a `UInt64` (1 = object), so nesting costs no call stack and no allocation;
    /// `limits.maxDepth` (at most 64) stops it first.
    mutating func skipValue() throws(StatsDecodeError) {
        var kinds: UInt64 = 0
        var level = 0
        while true {
            switch try peekKind() {
            case .object:
                if try beginObject() {
                    kinds |= 1 << UInt64(level)
                    level += 1
                    _ = try readKey()
                    continue
                }
            case .array:
                if try beginArray() {
                    kinds &= ~(1 << UInt64(level))
                    level += 1
                    continue
                }
            case .string: _ = try readString()
            case .number: _ = try scanNumber()
            case .bool: _ = try readBool()
            case .null: try readNull()
            case .nonFinite: throw .nonFinite(offset: pos)
            case .invalid: throw .invalidJSON(offset: pos)
            }
            // A value finished: close every container it completes.
            while level > 0 {
                let isObject = kinds & (1 << UInt64(level - 1)) != 0
                if try next(closing: isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    if isObject { _ = try readKey() }
                    break
                }
                level -= 1
            }
            if level == 0 { return }
        }
    }

    // MARK: - Literals

    mutating func readBool() throws(StatsDecodeError) -> Bool {
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        throw pos + 5 > count ? .truncated : .invalidJSON(offset: pos)
    }

    mutating func readNull() throws(StatsDecodeError) {
        if !matchLiteral("null") { throw pos + 4 > count ? .truncated : .invalidJSON(offset: pos) }
    }

    private mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard pos + n <= count else { return false }
        let p = literal.utf8Start
        for i in 0..<n where base[pos + i] != p[i] { return false }
        pos += n
        return true
    }
}
