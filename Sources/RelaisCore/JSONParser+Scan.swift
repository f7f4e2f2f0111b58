extension JSONParser {
    /// Walks the members of a top-level object without building values: for each member, `visit` gets the key's
    /// bytes (between the quotes) and the byte range of its value. The whole document is validated (strings,
    /// escapes, numbers, nesting up to `maxDepth`, no trailing bytes) except that UTF-8 is assumed valid: callers use
    /// it on WebSocket text frames, which the WebSocket layer has already validated.
    ///
    /// Returns false on anything it does not handle (invalid JSON, or a key containing an escape); the caller then
    /// uses `parseTopLevelObject`, which produces the precise error. This is the signalling relay's fast path: an
    /// offer, answer or candidate is forwarded without allocating a tree for it.
    public static func scanTopLevelObject(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32,
        visit: (_ key: UnsafeRawBufferPointer, _ value: Range<Int>) -> Void
    ) -> Bool {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        guard parser.peek() == UInt8(ascii: "{") else { return false }
        parser.index += 1
        parser.skipWhitespace()
        if parser.peek() == UInt8(ascii: "}") {
            parser.index += 1
            parser.skipWhitespace()
            return parser.index == bytes.count
        }
        while true {
            parser.skipWhitespace()
            guard parser.peek() == UInt8(ascii: "\"") else { return false }
            let keyStart = parser.index + 1
            guard let keyEnd = parser.skipString(allowEscapes: false) else { return false }
            parser.skipWhitespace()
            guard parser.peek() == UInt8(ascii: ":") else { return false }
            parser.index += 1
            parser.skipWhitespace()
            let valueStart = parser.index
            guard parser.skipValue(depth: 1) else { return false }
            visit(UnsafeRawBufferPointer(rebasing: bytes[keyStart..<keyEnd]), valueStart..<parser.index)
            parser.skipWhitespace()
            switch parser.peek() {
            case UInt8(ascii: ","): parser.index += 1
            case UInt8(ascii: "}"):
                parser.index += 1
                parser.skipWhitespace()
                return parser.index == bytes.count
            default: return false
            }
        }
    }

    /// Skips a string at the current quote; returns the index of its closing quote, or nil if invalid
    /// (or if it contains an escape and `allowEscapes` is false).
    mutating func skipString(allowEscapes: Bool) -> Int? {
        index += 1
        while let c = peek() {
            switch c {
            case UInt8(ascii: "\""):
                let end = index
                index += 1
                return end
            case UInt8(ascii: "\\"):
                guard allowEscapes else { return nil }
                index += 1
                guard let e = peek() else { return nil }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    // Surrogate pairing is checked by the full parser; here four hex digits suffice because the
                    // relayed bytes are forwarded as they are and the receiver parses them.
                    index += 1
                    for _ in 0..<4 {
                        guard let h = peek(), isHexDigit(h) else { return nil }
                        index += 1
                    }
                default:
                    return nil
                }
            case 0..<0x20:
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    /// Skips one value (validating it) without building it.
    mutating func skipValue(depth: Int) -> Bool {
        guard depth <= maxDepth, let c = peek() else { return false }
        switch c {
        case UInt8(ascii: "\""):
            return skipString(allowEscapes: true) != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close: UInt8 = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if peek() == close { index += 1; return true }
            while true {
                skipWhitespace()
                if close == UInt8(ascii: "}") {
                    guard peek() == UInt8(ascii: "\""), skipString(allowEscapes: true) != nil else { return false }
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ":") else { return false }
                    index += 1
                    skipWhitespace()
                }
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                guard let next = peek() else { return false }
                if next == UInt8(ascii: ",") { index += 1; continue }
                if next == close { index += 1; return true }
                return false
            }
        case UInt8(ascii: "t"): return skipLiteral("true")
        case UInt8(ascii: "f"): return skipLiteral("false")
        case UInt8(ascii: "n"): return skipLiteral("null")
        default:
            do throws(JSONParseError) { _ = try parseNumber() } catch { return false }
            return true
        }
    }

    private mutating func skipLiteral(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] { return false }
        index += count
        return true
    }

    private func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }
}
