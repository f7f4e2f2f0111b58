import RelaisCore
import RelaisWebSocket
import Testing

/// The examples of RFC 6455 §5.7, byte for byte, in both directions.
struct RFC6455VectorTests {
    static let maskKey: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    @Test func singleFrameUnmaskedTextEncodesAsInTheRFC() {
        #expect(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)).encoded == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    }

    @Test func singleFrameMaskedTextEncodesAsInTheRFC() {
        var out: [UInt8] = []
        WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)).encode(into: &out, maskingKey: Self.maskKey)
        #expect(out == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test func serverDecodesTheMaskedHelloFromTheRFC() {
        var ws = WebSocketConnection(role: .server)
        var input = ByteBuffer(bytes: [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        var out: [UInt8] = []
        #expect(ws.nextEvent(from: &input, output: &out) == .text(Array("Hello".utf8)))
    }

    @Test func clientDecodesTheFragmentedUnmaskedTextFromTheRFC() {
        var ws = WebSocketConnection(role: .client)
        var input = ByteBuffer(bytes: [0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F])
        var out: [UInt8] = []
        #expect(ws.nextEvent(from: &input, output: &out) == .text(Array("Hello".utf8)))
    }

    @Test func pingIsAnsweredWithTheRFCsMaskedPong() {
        // The client answers the unmasked ping of §5.7 with a masked pong carrying the same payload.
        var ws = WebSocketConnection(role: .client)
        var input = ByteBuffer(bytes: [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        var out: [UInt8] = []
        #expect(ws.nextEvent(from: &input, output: &out) == .ping(Array("Hello".utf8)))
        #expect(out.count == 11)
        #expect(out[0] == 0x8A && out[1] == 0x85)
        var pong = Array(out[6...])
        pong.withUnsafeMutableBytes { WebSocketMask.apply(key: Array(out[2..<6]), to: $0, offset: 0) }
        #expect(pong == Array("Hello".utf8))
        // And with the RFC's key the bytes are exactly the RFC's.
        var rfc: [UInt8] = []
        WebSocketFrame(opcode: .pong, payload: Array("Hello".utf8)).encode(into: &rfc, maskingKey: Self.maskKey)
        #expect(rfc == [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test func lengthEncodingsMatchTheRFC() {
        let medium = WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 256)).encoded
        #expect(Array(medium.prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        let large = WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 65536)).encoded
        #expect(Array(large.prefix(10)) == [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00])
    }

    @Test func handshakeAcceptValueMatchesTheRFCExample() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test(arguments: [0, 1, 3, 7, 8, 9, 100, 1000])
    func maskingIsItsOwnInverseAtAnyOffset(length: Int) {
        let original = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var data = original
        let key: [UInt8] = [1, 2, 3, 4]
        data.withUnsafeMutableBytes { WebSocketMask.apply(key: key, to: $0, offset: 0) }
        // Unmask in two pieces with the right offset.
        let split = length / 3
        data.withUnsafeMutableBytes {
            WebSocketMask.apply(key: key, to: UnsafeMutableRawBufferPointer(rebasing: $0[0..<split]), offset: 0)
            WebSocketMask.apply(key: key, to: UnsafeMutableRawBufferPointer(rebasing: $0[split...]), offset: split)
        }
        #expect(data == original)
        // The byte-by-byte definition of §5.3.
        var reference = original
        for i in 0..<length { reference[i] ^= key[i % 4] }
        var fast = original
        fast.withUnsafeMutableBytes { WebSocketMask.apply(key: key, to: $0, offset: 0) }
        #expect(fast == reference)
    }
}
