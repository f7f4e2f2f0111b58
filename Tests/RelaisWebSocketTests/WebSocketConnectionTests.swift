import RelaisCore
import RelaisWebSocket
import Testing

/// Protocol rules of RFC 6455, exercised on the server-role state machine with client-style (masked) frames.
struct WebSocketConnectionTests {
    static let key: [UInt8] = [0xA1, 0xB2, 0xC3, 0xD4]

    static func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv1: Bool = false, masked: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        WebSocketFrameHeader.write(fin: fin, rsv1: rsv1, opcode: opcode, payloadLength: payload.count,
                                   maskingKey: masked ? key : nil, into: &out)
        var body = payload
        if masked { body.withUnsafeMutableBytes { WebSocketMask.apply(key: key, to: $0, offset: 0) } }
        return out + body
    }

    static func run(_ bytes: [UInt8], limits: WebSocketConnection.Limits = WebSocketConnection.Limits())
        -> (events: [WebSocketConnection.Event], output: [UInt8], state: WebSocketConnection.State)
    {
        var ws = WebSocketConnection(role: .server, limits: limits)
        var input = ByteBuffer(bytes: bytes)
        var out: [UInt8] = []
        var events: [WebSocketConnection.Event] = []
        while let e = ws.nextEvent(from: &input, output: &out) { events.append(e) }
        return (events, out, ws.state)
    }

    static func failure(_ bytes: [UInt8], limits: WebSocketConnection.Limits = WebSocketConnection.Limits()) -> WebSocketCloseCode? {
        for e in run(bytes, limits: limits).events { if case .failed(let c, _) = e { return c } }
        return nil
    }

    @Test(arguments: [2, 10, 200])
    func reassemblesMessagesFragmentedAcrossManyFrames(fragments: Int) {
        let text = (0..<fragments).map { "part\($0)-é;" }.joined()
        let bytes = Array(text.utf8)
        // Split at arbitrary byte positions, including inside the two-byte "é".
        var frames: [UInt8] = []
        let size = max(1, bytes.count / fragments)
        var offset = 0
        var first = true
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            frames += Self.frame(first ? 0x1 : 0x0, Array(bytes[offset..<end]), fin: end == bytes.count)
            // A ping in the middle of a fragmented message is allowed (§5.4).
            if first { frames += Self.frame(0x9, [1, 2]) }
            first = false
            offset = end
        }
        let result = Self.run(frames)
        #expect(result.events.contains(.text(bytes)))
        #expect(result.events.contains(.ping([1, 2])))
    }

    @Test func binaryMessagesKeepTheirBytes() {
        let payload: [UInt8] = [0, 0xFF, 0x80, 0xC0]
        #expect(Self.run(Self.frame(0x2, payload)).events == [.binary(payload)])
    }

    @Test func pingIsAnsweredWithAnUnmaskedPong() {
        let result = Self.run(Self.frame(0x9, Array("abc".utf8)))
        #expect(result.output == [0x8A, 0x03] + Array("abc".utf8))
    }

    @Test(arguments: [
        ("unmasked client frame", frame(0x1, [0x41], masked: false), WebSocketCloseCode.protocolError),
        ("reserved opcode 3", frame(0x3, []), .protocolError),
        ("reserved opcode 0xB", frame(0xB, []), .protocolError),
        ("fragmented ping", frame(0x9, [], fin: false), .protocolError),
        ("126-byte ping", frame(0x9, [UInt8](repeating: 0, count: 126)), .protocolError),
        ("RSV1 without extension", frame(0x1, [0x41], rsv1: true), .protocolError),
        ("continuation first", frame(0x0, [0x41]), .protocolError),
        ("new message inside fragments", frame(0x1, [0x41], fin: false) + frame(0x1, [0x42]), .protocolError),
        ("invalid UTF-8", frame(0x1, [0xC0, 0xAF]), .invalidPayload),
        ("text ending mid-character", frame(0x1, [0xCE]), .invalidPayload),
        ("close with 1 byte", frame(0x8, [0x03]), .protocolError),
        ("close reason not UTF-8", frame(0x8, [0x03, 0xE8, 0xFF]), .invalidPayload),
    ])
    func protocolViolationsCloseWithTheRightCode(name: String, bytes: [UInt8], code: WebSocketCloseCode) {
        #expect(Self.failure(bytes) == code, "\(name)")
    }

    @Test func invalidUTF8FailsOnTheFragmentThatBreaksIt() {
        // The first fragment is fine; the second has an invalid byte; the final fragment never needs to come.
        let bytes = Self.frame(0x1, Array("ok ".utf8), fin: false) + Self.frame(0x0, [0xF8], fin: false)
        let result = Self.run(bytes)
        #expect(result.events == [.failed(.invalidPayload, "text message is not UTF-8")])
        #expect(result.state == .closed)
    }

    @Test func oversizedMessagesCloseWith1009() {
        var limits = WebSocketConnection.Limits()
        limits.maxMessageBytes = 100
        #expect(Self.failure(Self.frame(0x2, [UInt8](repeating: 1, count: 101)), limits: limits) == .messageTooBig)
        // The limit applies to the reassembled message, not just to one frame.
        let fragmented = Self.frame(0x2, [UInt8](repeating: 1, count: 60), fin: false) + Self.frame(0x0, [UInt8](repeating: 1, count: 60))
        #expect(Self.failure(fragmented, limits: limits) == .messageTooBig)
        // A huge declared length is refused from the header alone, before any payload arrives.
        let header: [UInt8] = [0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0] + Self.key
        #expect(Self.failure(header, limits: limits) == .messageTooBig)
    }

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4409, 4999] as [UInt16])
    func validCloseCodesAreEchoed(code: UInt16) {
        let result = Self.run(Self.frame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)] + Array("bye".utf8)))
        #expect(result.events == [.closed(code: WebSocketCloseCode(code), reason: "bye")])
        #expect(result.output == [0x88, 0x02, UInt8(code >> 8), UInt8(code & 0xFF)])
        #expect(result.state == .closed)
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535] as [UInt16])
    func invalidCloseCodesAreProtocolErrors(code: UInt16) {
        #expect(Self.failure(Self.frame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)])) == .protocolError)
    }

    @Test func emptyCloseIsAnsweredWithEmptyClose() {
        let result = Self.run(Self.frame(0x8, []))
        #expect(result.events == [.closed(code: nil, reason: "")])
        #expect(result.output == [0x88, 0x00])
    }

    @Test func ourCloseThenPeersCloseCompletesTheHandshake() {
        var ws = WebSocketConnection(role: .server)
        var out: [UInt8] = []
        let sent = ws.close(code: .goingAway, reason: "bye", into: &out)
        #expect(sent)
        #expect(out == [0x88, 0x05, 0x03, 0xE9] + Array("bye".utf8))
        #expect(ws.state == .closeSent)
        // Data after our close is dropped; the peer's close finishes it without another reply.
        out.removeAll()
        var input = ByteBuffer(bytes: Self.frame(0x1, [0x41]) + Self.frame(0x8, [0x03, 0xE9]))
        #expect(ws.nextEvent(from: &input, output: &out) == .closed(code: .goingAway, reason: ""))
        #expect(out.isEmpty)
        #expect(ws.state == .closed)
        let sentAgain = ws.close(into: &out)
        #expect(!sentAgain)
    }

    @Test func partialFramesWaitForMoreBytes() {
        let bytes = Self.frame(0x1, Array("hello".utf8))
        var ws = WebSocketConnection(role: .server)
        var input = ByteBuffer()
        var out: [UInt8] = []
        for byte in bytes.dropLast() {
            input.write(byte: byte)
            #expect(ws.nextEvent(from: &input, output: &out) == nil)
        }
        input.write(byte: bytes.last!)
        #expect(ws.nextEvent(from: &input, output: &out) == .text(Array("hello".utf8)))
    }

    @Test func clientRejectsMaskedServerFrames() {
        var ws = WebSocketConnection(role: .client)
        var input = ByteBuffer(bytes: Self.frame(0x1, [0x41], masked: true))
        var out: [UInt8] = []
        guard case .failed(let code, _) = ws.nextEvent(from: &input, output: &out) else { Issue.record("accepted"); return }
        #expect(code == .protocolError)
    }

    @Test func clientMasksEveryFrameItSends() {
        var ws = WebSocketConnection(role: .client)
        var out: [UInt8] = []
        ws.sendText(Array("abc".utf8), into: &out)
        #expect(out[1] & 0x80 != 0)
        var input = ByteBuffer(bytes: out)
        var server = WebSocketConnection(role: .server)
        var ignored: [UInt8] = []
        #expect(server.nextEvent(from: &input, output: &ignored) == .text(Array("abc".utf8)))
    }
}
