import RelaisCore
import RelaisHTTP
import RelaisWebSocket
import Testing

struct WebSocketHandshakeTests {
    static func request(_ headers: [(String, String)], method: String = "GET") -> HTTPRequest {
        HTTPRequest(method: method, target: "/v1/echo", headers: HTTPHeaders([("Host", "h")] + headers))
    }

    static let valid: [(String, String)] = [
        ("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade"), ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ]

    @Test func acceptsAValidUpgrade() throws {
        var options = WebSocketHandshake.ServerOptions()
        options.subprotocols = ["relais.v1"]
        let result = WebSocketHandshake.accept(Self.request(Self.valid + [("Sec-WebSocket-Protocol", "other, relais.v1")]), options: options)
        let accepted = try result.get()
        #expect(accepted.response.status.code == 101)
        #expect(accepted.response.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(accepted.subprotocol == "relais.v1")
        #expect(accepted.response.headers["Sec-WebSocket-Protocol"] == "relais.v1")
    }

    @Test(arguments: [
        ("no Upgrade", [("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")], 426, "websocket_upgrade_required"),
        ("version 8", [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "8"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")], 426, "unsupported_websocket_version"),
        ("short key", [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Key", "c2hvcnQ=")], 400, "bad_websocket_key"),
        ("no Connection", [("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")], 400, "bad_websocket_upgrade"),
    ])
    func rejectsBadUpgrades(name: String, headers: [(String, String)], status: Int, code: String) {
        guard case .failure(let error) = WebSocketHandshake.accept(Self.request(headers), options: .init()) else {
            Issue.record("\(name) accepted"); return
        }
        #expect(error.status.code == status)
        #expect(error.code == code)
    }

    @Test func versionMismatchAdvertisesVersion13() {
        let headers = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "8"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")]
        guard case .failure(let error) = WebSocketHandshake.accept(Self.request(headers), options: .init()) else { return }
        #expect(error.headers["Sec-WebSocket-Version"] == "13")
    }

    @Test func originPolicyRejectsForeignBrowsers() {
        var options = WebSocketHandshake.ServerOptions()
        options.originPolicy = { $0 == nil || $0 == "https://clinic.example" }
        guard case .failure(let error) = WebSocketHandshake.accept(Self.request(Self.valid + [("Origin", "https://evil.example")]), options: options) else {
            Issue.record("accepted"); return
        }
        #expect(error.status.code == 403)
        #expect((try? WebSocketHandshake.accept(Self.request(Self.valid + [("Origin", "https://clinic.example")]), options: options).get()) != nil)
    }

    @Test func clientValidatesTheServersAnswer() {
        let client = WebSocketClientHandshake(keyBytes: Array("the sample nonce".utf8))
        #expect(client.key == "dGhlIHNhbXBsZSBub25jZQ==")
        let good = HTTPResponseHead(statusCode: 101, reason: "Switching Protocols", headers: HTTPHeaders([
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        ]))
        #expect((try? client.validate(good).get()) != nil)
        var bad = good
        bad.headers.set("Sec-WebSocket-Accept", "wrong")
        #expect(throws: WebSocketClientError.self) { try client.validate(bad).get() }
        var extensionNotOffered = good
        extensionNotOffered.headers.add("Sec-WebSocket-Extensions", "permessage-deflate")
        #expect(throws: WebSocketClientError.self) { try client.validate(extensionNotOffered).get() }
    }
}
