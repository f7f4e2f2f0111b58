// The word-at-a-time paths of the scanner (strings, digits, member names) against plain
// byte-by-byte references, at every alignment the 8-byte loads can meet.
import Testing
@testable import RelaisQuality

struct ScannerFastPathTests {
    /// Runs `body` on a scanner over `text` (plus `padding` trailing spaces, so the same token is
    /// seen both with and without 8 readable bytes after it).
    private func scan<T>(_ text: String, padding: Int = 0, _ body: (inout JSONScanner) throws(StatsDecodeError) -> T)
        throws -> T
    {
        let bytes = Array((text + String(repeating: " ", count: padding)).utf8)
        return try bytes.withUnsafeBytes { raw in
            var s = JSONScanner(base: raw.baseAddress!, count: raw.count, limits: StatsDecoder.Limits())
            return try body(&s)
        }
    }

    @Test("specialBytes finds the first quote, backslash or control byte in each lane")
    func specialLanes() {
        for lane in 0..<8 {
            for special: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A] {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[lane] = special
                // Specials later in the word must not hide the first one.
                if lane < 7 { bytes[7] = 0x22 }
                let w = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(JSONScanner.specialBytes(w).trailingZeroBitCount / 8 == lane)
            }
        }
        let plain = Array("az09-_/~".utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(JSONScanner.specialBytes(plain) == 0)
        let high = [UInt8](repeating: 0xC3, count: 8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(JSONScanner.specialBytes(high) == 0)  // UTF-8 continuation bytes are plain
    }

    @Test("strings of every length end at the right quote, with and without escapes")
    func stringLengths() throws {
        for n in 0...40 {
            for padding in [0, 9] {
                let body = String((0..<n).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
                let token = try scan("\"\(body)\"", padding: padding) { s throws(StatsDecodeError) in try s.readString() }
                #expect(token.start == 1 && token.end == 1 + n)
                let escaped = try scan("\"\(body)\\\"x\\u00e9\"", padding: padding) { s throws(StatsDecodeError) in
                    try s.readString()
                }
                #expect(escaped.count == n + 9)  // \" x \u00e9
            }
        }
        #expect(throws: StatsDecodeError.invalidJSON(offset: 12)) {
            try scan("\"abcdefghijk\u{01}\"") { s throws(StatsDecodeError) in try s.readString() }
        }
        #expect(throws: StatsDecodeError.truncated) {
            try scan("\"abcdefghijklmnop") { s throws(StatsDecodeError) in try s.readString() }
        }
    }

    @Test("head and tail words are the same loaded, masked or assembled byte by byte")
    func tokenWords() throws {
        for n in 0...20 {
            let body = String((0..<n).map { Character(UnicodeScalar(UInt8(65 + $0))) })
            let tight = try scan("\"\(body)\"") { s throws(StatsDecodeError) in try s.readString() }
            let padded = try scan("\"\(body)\"", padding: 9) { s throws(StatsDecodeError) in try s.readString() }
            #expect(tight.head == padded.head && tight.tail == padded.tail && tight.hash == padded.hash)
        }
    }

    @Test("every known member name is found; same length, head and tail with another middle is not")
    func memberNames() throws {
        var names: [(StaticString, StatsKey)] = StatsMetric.allCases.map { ($0.name, .metric($0)) }
        names += StatsKey.TextField.allCases.map { ($0.name, .text($0)) }
        names += StatsKey.FlagField.allCases.map { ($0.name, .flag($0)) }
        for (name, key) in names {
            let text = name.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
            let found = try scan("\"\(text)\"", padding: 9) { s throws(StatsDecodeError) in
                StatsKeyTable.shared.lookup(try s.readString(), in: s)
            }
            #expect(found == key, "\(text)")
            if text.count > 16 {
                // Flip one byte in the middle: only the byte comparison can tell these apart.
                var bytes = Array(text.utf8)
                bytes[bytes.count / 2] ^= 0x20
                let near = try scan("\"\(String(decoding: bytes, as: UTF8.self))\"") { s throws(StatsDecodeError) in
                    StatsKeyTable.shared.lookup(try s.readString(), in: s)
                }
                #expect(near == nil, "\(text)")
            }
        }
    }

    @Test("digit runs of every length parse as Double(String) does, at every alignment")
    func digitRuns() throws {
        let samples = ["7", "42", "1280", "33662", "394524", "1700000", "48000000", "123456789",
                       "1795853486593", "179585348659361", "9007199254740993", "1234567890123456789"]
        for digits in samples {
            for text in [digits, "-" + digits, "0." + digits, digits + ".5", digits + "e-3", "0.000" + digits] {
                for padding in [0, 1, 7, 9] {
                    let v = try scan(text, padding: padding) { s throws(StatsDecodeError) in try s.readNumber() }
                    let expected = try #require(Double(text))
                    #expect(abs(v - expected) <= abs(expected) * 1e-15, "\(text)")
                }
            }
        }
        // More than 19 significant digits go to strtod and stay exact.
        let long = try scan("12345678901234567890123", padding: 3) { s throws(StatsDecodeError) in try s.readNumber() }
        #expect(long == 12345678901234567890123.0)
        for bad in ["01", "1.", "-", "1e", "12a", "1.2.3", "-x"] {
            #expect(throws: StatsDecodeError.self, "\(bad)") {
                try scan(bad) { s throws(StatsDecodeError) in try s.readNumber() }
            }
        }
    }
}
