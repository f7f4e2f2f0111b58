import RelaisCore
import Testing

struct Base64Tests {
    // RFC 4648 §10 test vectors.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func encodesAndDecodesRFC4648Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func urlSafeAlphabetHasNoPadding() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64.encode(bytes, urlSafe: true) == "-_-_")
        #expect(Base64.encode([0xFF], urlSafe: true) == "_w")
        #expect(Base64.decode("_w") == [0xFF])
    }

    @Test(arguments: ["Zm9v!", "Zg=a", "Z", "Zg===", "Zm9vY"])
    func rejectsMalformedInput(_ input: String) {
        #expect(Base64.decode(input) == nil)
    }
}
