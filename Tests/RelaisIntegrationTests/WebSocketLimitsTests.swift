import Foundation
import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisServer
import RelaisWebSocket
import Synchronization
import Testing

@Suite struct WebSocketLimitsTests {
    @Test func slowReaderIsClosedWith4503AndOthersAreUnaffected() throws {
        let server = try TestServer {
            $0.maxSendQueueBytes = 256 * 1024
            $0.echoRatePerSecond = 0
            $0.closeTimeout = .seconds(20)
        }
        let bystander = try server.client()
        let slow = try server.client()
        let chunk = [UInt8](repeating: 0x61, count: 32 * 1024)
        // Send 32 MB of echo requests without reading any answer.
        var sent = 0
        for _ in 0..<1000 {
            do { try slow.send(binary: chunk) } catch { break }
            sent += 1
            if server.server.sendQueueOverflows > 0 { break }
        }
        #expect(eventually { server.server.sendQueueOverflows == 1 })
        try bystander.send(text: "unaffected")
        #expect(try bystander.receiveMessage() == .text(Array("unaffected".utf8)))
        // The slow reader finally reads: everything queued, then the close frame.
        var closeCode: WebSocketCloseCode?
        var echoes = 0
        while closeCode == nil {
            switch try slow.receiveMessage(timeout: .seconds(10)) {
            case .binary: echoes += 1
            case .closed(let code, _): closeCode = code
            default: break
            }
        }
        #expect(closeCode == .cannotKeepUp)
        #expect(echoes < sent)
    }

    @Test func silentPeerIsPingedThenClosedAfterTheIdleTimeout() throws {
        let server = try TestServer {
            $0.pingInterval = .milliseconds(200)
            $0.idleTimeout = .milliseconds(700)
        }
        // A hand-made handshake, then silence: the peer never answers pings.
        let stream = try server.stream()
        let request = "GET /v1/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try stream.write(Array(request.utf8))
        var bytes: [UInt8] = []
        let clock = SystemClock()
        let deadline = clock.now() + .seconds(5)
        while !stream.peerClosed && clock.now() < deadline {
            if let more = try? stream.read(timeout: .milliseconds(200)) { bytes += more }
        }
        var buffer = ByteBuffer(bytes: bytes)
        guard case .head(let head) = HTTPResponseHeadParse.parse(&buffer) else { Issue.record("no handshake"); return }
        #expect(head == 101)
        var client = WebSocketConnection(role: .client)
        var out: [UInt8] = []
        var events: [WebSocketConnection.Event] = []
        while let e = client.nextEvent(from: &buffer, output: &out) { events.append(e) }
        #expect(events.contains(.ping(Array("relais".utf8))))
        #expect(events.last == .closed(code: .goingAway, reason: "idle timeout"))
    }

    @Test func answeringPingsKeepsTheConnectionAlive() throws {
        let server = try TestServer {
            $0.pingInterval = .milliseconds(150)
            $0.idleTimeout = .milliseconds(500)
        }
        let client = try server.client()
        // receive() answers pings; for 1.2 s (more than twice the idle timeout) only pings arrive.
        var pings = 0
        let clock = SystemClock()
        let end = clock.now() + .milliseconds(1200)
        while clock.now() < end {
            if case .ping = try client.receive(timeout: .seconds(2)) { pings += 1 }
        }
        #expect(pings >= 3)
        try client.send(text: "alive")
        #expect(try client.receiveMessage() == .text(Array("alive".utf8)))
    }

    @Test func gracefulShutdownClosesWebSocketsWith1001AndDrains() throws {
        let server = try TestServer()
        let clients = try (0..<5).map { _ in try server.client() }
        for c in clients { try c.send(text: "before") }
        for c in clients { _ = try c.receiveMessage() }
        let done = Flag()
        let relais = server.server
        let thread = Thread { relais.shutdown(); done.value.store(true, ordering: .releasing) }
        thread.start()
        for c in clients {
            #expect(try c.receiveMessage() == .closed(code: .goingAway, reason: "server shutting down"))
            try? c.close(code: .goingAway)
        }
        #expect(eventually { done.value.load(ordering: .acquiring) })
        #expect(server.server.openConnections == 0)
        #expect(throws: WebSocketClientError.self) { _ = try server.client() }
    }
}

import RelaisHTTP

/// Parses the status code of a response head in a raw byte stream.
enum HTTPResponseHeadParse {
    enum Result { case head(Int), other }
    static func parse(_ buffer: inout ByteBuffer) -> Result {
        if case .head(let head) = HTTPResponseHead.parse(&buffer) { return .head(head.statusCode) }
        return .other
    }
}

final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
