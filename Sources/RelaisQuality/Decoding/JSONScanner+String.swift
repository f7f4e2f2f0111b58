// RelaisQuality: string tokens of the JSON scanner.

/// FNV-1a, 64-bit: a few instructions per byte, good spread on short ASCII keys, and no state.
/// Keys and enum values are matched by hash and then confirmed byte for byte, so a collision can
/// never make one field read as another.
enum FNV1a {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* prime }

    static func hash(_ text: StaticString) -> UInt64 {
        var h = offsetBasis
        let p = text.utf8Start
        for i in 0..<text.utf8CodeUnitCount { h = step(h, p[i]) }
        return h
    }

    /// Hash of a Swift string's UTF-8 bytes; no allocation for native strings.
    static func hash(_ text: String) -> UInt64 {
        var h = offsetBasis
        for b in text.utf8 { h = step(h, b) }
        return h
    }
}

extension JSONScanner {
    /// Reads a string token (the cursor is on its opening quote). Escapes are validated, not
    /// decoded; control characters are rejected as the grammar requires. UTF-8 is not validated:
    /// string values are only hashed or compared with ASCII constants, so bad UTF-8 can at worst
    /// produce an unknown value.
    @inline(__always)
    mutating func readString() throws(StatsDecodeError) -> JSONString {
        pos += 1  // opening quote
        let start = pos
        // Eight bytes per step while none of them is special (`"`, `\`, control): member names
        // and ids are 5–30 plain ASCII bytes, so this is where most of a report's bytes go.
        while pos &+ 8 <= count {
            let special = Self.specialBytes(UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
            if special == 0 {
                pos &+= 8
                continue
            }
            pos &+= special.trailingZeroBitCount &>> 3  // first special byte; the loop below takes it
            break
        }
        while pos < count {
            let b = base[pos]
            // One compare covers the common case: printable ASCII other than `"` and `\`.
            if b >= 0x20, b != UInt8(ascii: "\""), b != UInt8(ascii: "\\") {
                pos += 1
                continue
            }
            if b == UInt8(ascii: "\"") {
                let token = token(start, pos)
                pos += 1
                if token.count > limits.maxStringBytes { throw .valueTooLong(offset: start) }
                return token
            }
            if b < 0x20 { throw .invalidJSON(offset: pos) }
            // Backslash: validate the escape.
            pos += 1
            guard pos < count else { throw .truncated }
            switch base[pos] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                break
            case UInt8(ascii: "u"):
                guard pos + 4 < count else { throw .truncated }
                for i in 1...4 where !Self.isHexDigit(base[pos + i]) { throw .invalidJSON(offset: pos + i) }
                pos += 4
            default:
                throw .invalidJSON(offset: pos)
            }
            pos += 1
        }
        throw .truncated
    }

    /// High bit set in each byte lane of `w` (little-endian) that is `"`, `\\` or below 0x20.
    /// Each test is the classic "has zero byte" trick, `(x - 0x01…) & ~x & 0x80…`; a borrow can
    /// mark a lane *above* a true hit, never below one, so the lowest set bit is exact, and that
    /// is the only one the caller uses.
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (w &- ones &* 0x20) & ~w
        return (isQuote | isBackslash | isControl) & high
    }

    /// The token for bytes `start..<end`: O(1) in the length, from the first and last 8 bytes.
    /// Member names are matched on (length, head, tail) and only names over 16 bytes compare
    /// their middle too, so a hash collision costs a probe, never a wrong field. (A per-byte FNV
    /// chain cost ~4 cycles a byte, most of the decode time.)
    @inline(__always)
    func token(_ start: Int, _ end: Int) -> JSONString {
        let n = end - start
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if n >= 8 {
            head = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
            tail = UnsafeRawPointer(base + end - 8).loadUnaligned(as: UInt64.self)
        } else if start + 8 <= count {
            // Short string with 8 readable bytes (the closing quote and more follow): one load, masked.
            let mask: UInt64 = (1 << UInt64(truncatingIfNeeded: n &* 8)) &- 1
            head = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self) & mask
        } else {
            for i in 0..<n { head |= UInt64(base[start + i]) << UInt64(truncatingIfNeeded: i &* 8) }
        }
        var h = (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)
        h ^= h >> 29
        return JSONString(start: start, end: end, head: head, tail: tail, hash: h)
    }

    /// The token of a constant, to build the member-name table (reads only its own bytes).
    static func token(_ text: StaticString) -> JSONString {
        let scanner = JSONScanner(base: UnsafeRawPointer(text.utf8Start), count: text.utf8CodeUnitCount,
                                  limits: StatsDecoder.Limits())
        return scanner.token(0, text.utf8CodeUnitCount)
    }

    /// FNV-1a of the token's bytes: the identity of an `id`/`codecId`… value, where every byte
    /// matters and nothing confirms the match afterwards.
    func fullHash(_ token: JSONString) -> UInt64 {
        var h = FNV1a.offsetBasis
        for i in token.start..<token.end { h = FNV1a.step(h, base[i]) }
        return h
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66)
    }

    /// Whether the token's raw bytes equal `text` exactly.
    func equals(_ token: JSONString, _ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard token.count == n else { return false }
        let p = UnsafeRawPointer(text.utf8Start)
        let q = UnsafeRawPointer(base + token.start)
        guard n >= 8 else { return memcmpBytes(q, p, n) }
        // Word by word, the last word overlapping the previous one: never reads past either end.
        var i = 0
        while i &+ 8 < n {
            if q.loadUnaligned(fromByteOffset: i, as: UInt64.self) != p.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i &+= 8
        }
        return q.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            == p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    }

    @inline(__always)
    private func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        for i in 0..<n where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) {
            return false
        }
        return true
    }

    /// Whether the token's raw bytes equal `text`, ignoring ASCII case (MIME types are
    /// case-insensitive: Chromium writes `video/VP8`, others `video/vp8`).
    func equalsIgnoringCase(_ token: JSONString, _ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard token.count == n else { return false }
        let p = text.utf8Start
        for i in 0..<n where Self.lower(base[token.start + i]) != Self.lower(p[i]) { return false }
        return true
    }

    /// Whether `needle` occurs inside the token's raw bytes (for `useinbandfec=1` in an fmtp line).
    func contains(_ token: JSONString, _ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount
        guard n > 0, token.count >= n else { return false }
        let p = needle.utf8Start
        var i = token.start
        outer: while i + n <= token.end {
            for j in 0..<n where base[i + j] != p[j] {
                i += 1
                continue outer
            }
            return true
        }
        return false
    }

    /// FNV-1a of the token's bytes with ASCII letters lower-cased.
    func foldedHash(_ token: JSONString) -> UInt64 {
        var h = FNV1a.offsetBasis
        for i in token.start..<token.end { h = FNV1a.step(h, Self.lower(base[i])) }
        return h
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}
