import RelaisCore
import RelaisWebSocket
import Testing

/// RFC 7692 §7.2.3 examples and the limits that make decompression safe.
struct PerMessageDeflateTests {
    private func receive(_ bytes: [UInt8], config: PerMessageDeflateConfiguration = PerMessageDeflateConfiguration(),
                         limits: WebSocketConnection.Limits = WebSocketConnection.Limits()) -> [WebSocketConnection.Event] {
        var ws = WebSocketConnection(role: .client, limits: limits, deflate: config)
        var input = ByteBuffer(bytes: bytes)
        var out: [UInt8] = []
        var events: [WebSocketConnection.Event] = []
        while let e = ws.nextEvent(from: &input, output: &out) { events.append(e) }
        return events
    }

    @Test func decodesTheCompressedHelloOfSection7_2_3_1() {
        #expect(receive([0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]) == [.text(Array("Hello".utf8))])
    }

    @Test func decodesTwoMessagesSharingContextOfSection7_2_3_2() {
        let bytes: [UInt8] = [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00]
        #expect(receive(bytes) == [.text(Array("Hello".utf8)), .text(Array("Hello".utf8))])
    }

    @Test func decodesTheStoredBlockOfSection7_2_3_3() {
        let bytes: [UInt8] = [0xC1, 0x0B, 0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00]
        #expect(receive(bytes) == [.text(Array("Hello".utf8))])
    }

    @Test func decodesTheBFINALBlockOfSection7_2_3_4() {
        #expect(receive([0xC1, 0x08, 0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00]) == [.text(Array("Hello".utf8))])
    }

    @Test func decodesTheFragmentedCompressedMessageOfSection7_2_3_1() {
        let bytes: [UInt8] = [0x41, 0x03, 0xF2, 0x48, 0xCD, 0x80, 0x04, 0xC9, 0xC9, 0x07, 0x00]
        #expect(receive(bytes) == [.text(Array("Hello".utf8))])
    }

    @Test func compressesHelloExactlyAsTheRFC() {
        var limits = WebSocketConnection.Limits()
        limits.minCompressBytes = 0
        var ws = WebSocketConnection(role: .server, limits: limits, deflate: PerMessageDeflateConfiguration())
        var out: [UInt8] = []
        ws.sendText(Array("Hello".utf8), into: &out)
        #expect(out == [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
        out.removeAll()
        ws.sendText(Array("Hello".utf8), into: &out)
        #expect(out == [0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00])
    }

    @Test(arguments: [false, true])
    func roundTripsLargeMessagesWithAndWithoutContextTakeover(noContextTakeover: Bool) {
        var config = PerMessageDeflateConfiguration()
        config.serverNoContextTakeover = noContextTakeover
        var server = WebSocketConnection(role: .server, deflate: config)
        var client = WebSocketConnection(role: .client, deflate: config)
        for round in 0..<3 {
            let text = String(repeating: "{\"type\":\"candidate\",\"round\":\(round)} ", count: 500)
            var wire: [UInt8] = []
            server.sendText(Array(text.utf8), into: &wire)
            #expect(wire.count < text.utf8.count / 4)
            var input = ByteBuffer(bytes: wire)
            var out: [UInt8] = []
            #expect(client.nextEvent(from: &input, output: &out) == .text(Array(text.utf8)))
        }
    }

    @Test func decompressionBombIsStoppedAtTheMessageLimit() {
        // 10 MB of zeros deflates to about 10 KB; the limit is 64 KiB.
        var limits = WebSocketConnection.Limits()
        limits.maxMessageBytes = 64 * 1024
        var big = WebSocketConnection.Limits()
        big.maxMessageBytes = 20_000_000
        var sender = WebSocketConnection(role: .client, limits: big, deflate: PerMessageDeflateConfiguration())
        var wire: [UInt8] = []
        sender.sendBinary([UInt8](repeating: 0, count: 10_000_000), into: &wire)
        #expect(wire.count < 64 * 1024)
        var server = WebSocketConnection(role: .server, limits: limits, deflate: PerMessageDeflateConfiguration())
        var input = ByteBuffer(bytes: wire)
        var out: [UInt8] = []
        guard case .failed(let code, _) = server.nextEvent(from: &input, output: &out) else { Issue.record("bomb accepted"); return }
        #expect(code == .messageTooBig)
        #expect(Array(out.prefix(4)) == [0x88, UInt8(out.count - 2), 0x03, 0xF1])
    }

    @Test func compressedFrameWithoutNegotiationIsAProtocolError() {
        var ws = WebSocketConnection(role: .client)
        var input = ByteBuffer(bytes: [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
        var out: [UInt8] = []
        guard case .failed(let code, _) = ws.nextEvent(from: &input, output: &out) else { Issue.record("accepted"); return }
        #expect(code == .protocolError)
    }

    @Test(arguments: [
        ("permessage-deflate", "permessage-deflate"),
        ("permessage-deflate; client_max_window_bits", "permessage-deflate"),
        ("permessage-deflate; client_max_window_bits=10; server_no_context_takeover",
         "permessage-deflate; server_no_context_takeover; client_max_window_bits=10"),
        ("permessage-deflate; server_max_window_bits=8, permessage-deflate", "permessage-deflate"),
        ("x-webkit-deflate-frame, permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover"),
    ])
    func negotiatesTheFirstAcceptableOffer(offer: String, response: String) {
        #expect(PerMessageDeflateConfiguration.negotiate(offers: [offer])?.responseHeaderValue == response)
    }

    @Test(arguments: [
        "permessage-deflate; server_max_window_bits=8", "permessage-deflate; unknown=1",
        "permessage-deflate; server_max_window_bits=16", "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; server_no_context_takeover=1", "x-webkit-deflate-frame",
    ])
    func declinesUnacceptableOffers(offer: String) {
        #expect(PerMessageDeflateConfiguration.negotiate(offers: [offer]) == nil)
    }
}
