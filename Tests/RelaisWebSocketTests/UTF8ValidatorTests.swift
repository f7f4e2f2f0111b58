import RelaisWebSocket
import Testing

struct UTF8ValidatorTests {
    @Test(arguments: [
        [UInt8](), Array("plain ascii text that is longer than eight bytes".utf8), Array("κόσμε".utf8),
        [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBB, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], [0xED, 0x9F, 0xBF],
    ])
    func acceptsValidUTF8(_ bytes: [UInt8]) {
        #expect(bytes.withUnsafeBytes { UTF8Validator.isValid($0) })
    }

    @Test(arguments: [
        [0xC0, 0xAF],                // overlong '/'
        [0xE0, 0x80, 0xAF],          // overlong
        [0xED, 0xA0, 0x80],          // UTF-16 surrogate U+D800
        [0xF4, 0x90, 0x80, 0x80],    // above U+10FFFF
        [0xF5, 0x80, 0x80, 0x80],
        [0xFF], [0x80], [0xCE, 0xBA, 0xE1],  // truncated at the end
    ] as [[UInt8]])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        #expect(!bytes.withUnsafeBytes { UTF8Validator.isValid($0) })
    }

    @Test func failsFastOnTheFirstBadByteAcrossPieces() {
        var v = UTF8Validator()
        let first = v.feed(Array("κό".utf8))
        let half = v.feed([0xCF])     // first half of a character: still fine
        #expect(first && half)
        #expect(!v.isComplete)
        let broken = v.feed([0x41])   // not a continuation byte: rejected right here
        #expect(!broken)
    }
}
