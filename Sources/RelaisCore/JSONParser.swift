/// A strict recursive-descent JSON parser with a nesting limit (deeply nested input is a cheap way to exhaust a
/// stack). Rejects trailing bytes, leading zeros, lone surrogates in escapes, control characters in strings and
/// invalid UTF-8.
public struct JSONParser {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    let maxDepth: Int

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses a complete document.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 32) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            var parser = JSONParser(raw, maxDepth: maxDepth)
            do throws(JSONParseError) {
                let value = try parser.parseDocument()
                return .success(value)
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses a document that must be an object, also returning each member's raw byte range in `bytes`.
    public static func parseTopLevelObject(_ bytes: [UInt8], maxDepth: Int = 32) throws(JSONParseError) -> JSONTopLevelObject {
        let result: Result<JSONTopLevelObject, JSONParseError> = bytes.withUnsafeBytes { raw in
            var parser = JSONParser(raw, maxDepth: maxDepth)
            do throws(JSONParseError) {
                parser.skipWhitespace()
                guard parser.peek() == UInt8(ascii: "{") else { throw parser.error("expected an object") }
                var members: [(key: String, value: JSONValue, range: Range<Int>)] = []
                try parser.parseObject(depth: 1) { key, value, range in members.append((key, value, range)) }
                parser.skipWhitespace()
                guard parser.index == raw.count else { throw parser.error("trailing bytes") }
                return .success(JSONTopLevelObject(bytes: bytes, members: members))
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The raw byte ranges of the elements of the array that occupies `range` of `bytes` (already validated).
    public static func arrayElementRanges(_ bytes: [UInt8], in range: Range<Int>, maxDepth: Int = 32) throws(JSONParseError) -> [Range<Int>] {
        let result: Result<[Range<Int>], JSONParseError> = bytes.withUnsafeBytes { raw in
            var parser = JSONParser(UnsafeRawBufferPointer(rebasing: raw[..<range.upperBound]), maxDepth: maxDepth)
            parser.index = range.lowerBound
            do throws(JSONParseError) {
                guard parser.peek() == UInt8(ascii: "[") else { throw parser.error("expected an array") }
                parser.index += 1
                var ranges: [Range<Int>] = []
                parser.skipWhitespace()
                if parser.peek() == UInt8(ascii: "]") { return .success(ranges) }
                while true {
                    parser.skipWhitespace()
                    let start = parser.index
                    _ = try parser.parseValue(depth: 1)
                    ranges.append(start..<parser.index)
                    parser.skipWhitespace()
                    switch parser.peek() {
                    case UInt8(ascii: ","): parser.index += 1
                    case UInt8(ascii: "]"): return .success(ranges)
                    default: throw parser.error("expected ',' or ']'")
                    }
                }
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw error("trailing bytes") }
        return value
    }

    func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    func bytesSlice(_ range: Range<Int>) -> Slice<UnsafeRawBufferPointer> { bytes[range] }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let c = peek() else { throw error("unexpected end") }
        switch c {
        case UInt8(ascii: "{"):
            var members: [(String, JSONValue)] = []
            try parseObject(depth: depth + 1) { key, value, _ in members.append((key, value)) }
            return .object(members)
        case UInt8(ascii: "["):
            return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return .number(try parseNumber())
        }
    }

    mutating func parseObject(depth: Int, _ member: (String, JSONValue, Range<Int>) -> Void) throws(JSONParseError) {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        index += 1  // {
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            let start = index
            let value = try parseValue(depth: depth)
            member(key, value, start..<index)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        index += 1  // [
        var values: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { index += 1; return values }
        while true {
            skipWhitespace()
            values.append(try parseValue(depth: depth))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return values
            default: throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end") }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw error("invalid literal") }
        index += count
    }

    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), first >= 0x30 && first <= 0x39 else { throw error("invalid value") }
        index += 1
        if first == 0x30, let next = peek(), next >= 0x30 && next <= 0x39 { throw error("leading zero") }
        while let d = peek(), d >= 0x30 && d <= 0x39 { index += 1 }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let d = peek(), d >= 0x30 && d <= 0x39 else { throw error("digit expected after '.'") }
            while let d = peek(), d >= 0x30 && d <= 0x39 { index += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            index += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { index += 1 }
            guard let d = peek(), d >= 0x30 && d <= 0x39 else { throw error("digit expected in exponent") }
            while let d = peek(), d >= 0x30 && d <= 0x39 { index += 1 }
        }
        guard index - start <= 64, let value = Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)),
              value.isFinite else {
            throw error("number out of range")
        }
        return value
    }
}
