import RelaisCore
import RelaisHTTP
import RelaisServer
import RelaisWebSocket
import Testing

/// `/v1/echo` end to end over real loopback sockets, with our own client.
@Suite struct EchoTests {
    @Test(arguments: [false, true])
    func echoesTextAsTextAndBinaryAsBinary(tls: Bool) throws {
        let server = try TestServer(tls: tls)
        let client = try server.client()
        try client.send(text: "héllo relais")
        #expect(try client.receiveMessage() == .text(Array("héllo relais".utf8)))
        try client.send(binary: [0, 1, 2, 0xFF])
        #expect(try client.receiveMessage() == .binary([0, 1, 2, 0xFF]))
        try client.close()
        let closing = try client.receiveMessage()
        #expect(closing == .closed(code: .normal, reason: ""), "\(closing)")
    }

    @Test(arguments: [false, true])
    func echoesCompressedMessages(tls: Bool) throws {
        let server = try TestServer(tls: tls)
        var options = WebSocketClient.Options()
        options.permessageDeflate = true
        let client = try server.client(options: options)
        #expect(client.deflate != nil)
        let big = String(repeating: "{\"type\":\"stats\",\"jitter\":0.012} ", count: 3000)
        for _ in 0..<3 {
            try client.send(text: big)
            #expect(try client.receiveMessage() == .text(Array(big.utf8)))
        }
    }

    @Test func echoesOverIPv6() throws {
        let server = try TestServer(host: "::1")
        let client = try WebSocketClient(host: "::1", port: server.port, path: "/v1/echo")
        try client.send(text: "v6")
        #expect(try client.receiveMessage() == .text(Array("v6".utf8)))
    }

    @Test func largestAllowedMessageRoundTripsAndOneByteMoreIs1009() throws {
        let server = try TestServer { $0.webSocket.maxMessageBytes = 100_000 }
        var options = WebSocketClient.Options()
        options.limits.maxMessageBytes = 1_000_000
        let client = try server.client(options: options)
        let exact = [UInt8](repeating: 7, count: 100_000)
        try client.send(binary: exact)
        #expect(try client.receiveMessage() == .binary(exact))
        try client.send(binary: exact + [7])
        guard case .closed(let code, _) = try client.receiveMessage() else { Issue.record("not closed"); return }
        #expect(code == .messageTooBig)
    }

    @Test func protocolViolationClosesWith1002AndOthersAreUnaffected() throws {
        let server = try TestServer()
        let bystander = try server.client()
        let offender = try server.client()
        // An unmasked frame from a client.
        try offender.sendRaw([0x81, 0x02, 0x68, 0x69])
        guard case .closed(let code, _) = try offender.receiveMessage() else { Issue.record("not closed"); return }
        #expect(code == .protocolError)
        try bystander.send(text: "still here")
        #expect(try bystander.receiveMessage() == .text(Array("still here".utf8)))
    }

    @Test func invalidUTF8InAFragmentClosesWith1007BeforeTheMessageEnds() throws {
        let server = try TestServer()
        let client = try server.client()
        // First fragment fine, second one invalid, no final fragment ever sent.
        var frames: [UInt8] = []
        WebSocketFrame(fin: false, opcode: .text, payload: Array("ok".utf8)).encode(into: &frames, maskingKey: [1, 2, 3, 4])
        WebSocketFrame(fin: false, opcode: .continuation, payload: [0xC0]).encode(into: &frames, maskingKey: [1, 2, 3, 4])
        try client.sendRaw(frames)
        guard case .closed(let code, _) = try client.receiveMessage() else { Issue.record("not closed"); return }
        #expect(code == .invalidPayload)
    }

    @Test func echoRateLimitClosesWith4429() throws {
        let server = try TestServer {
            $0.echoRateBurst = 5
            $0.echoRatePerSecond = 1
        }
        let client = try server.client()
        for i in 0..<10 { try client.send(text: "m\(i)") }
        var echoed = 0
        var closeCode: WebSocketCloseCode?
        while closeCode == nil {
            switch try client.receiveMessage() {
            case .text: echoed += 1
            case .closed(let code, _): closeCode = code
            default: break
            }
        }
        #expect(echoed == 5)
        #expect(closeCode == .rateLimited)
    }

    @Test func echoCanBeDisabled() throws {
        let server = try TestServer { $0.echoEnabled = false }
        #expect(throws: WebSocketClientError.unexpectedStatus(404)) { _ = try server.client() }
    }

    @Test func manyConcurrentClientsAllGetTheirOwnEchoes() throws {
        let server = try TestServer()
        let clients = try (0..<40).map { _ in try server.client() }
        for (i, c) in clients.enumerated() { try c.send(text: "client-\(i)") }
        for (i, c) in clients.enumerated() { #expect(try c.receiveMessage() == .text(Array("client-\(i)".utf8))) }
        #expect(eventually { server.server.openWebSockets == 40 })
    }
}
