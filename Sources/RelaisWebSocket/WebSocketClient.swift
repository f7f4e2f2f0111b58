import RelaisCore
import RelaisHTTP
import RelaisTLS

/// A blocking WebSocket client (RFC 6455 client role, optional TLS and permessage-deflate) for tests, tools and
/// scripted checks. The load generator uses the same state machine on event loops instead.
public final class WebSocketClient {
    private let stream: BlockingStream
    private var connection: WebSocketConnection
    private var inbound = ByteBuffer()
    private var output: [UInt8] = []
    public let subprotocol: String?
    public let deflate: PerMessageDeflateConfiguration?
    /// Extra response headers from the handshake (for tests).
    public let handshakeHeaders: HTTPHeaders

    public struct Options: Sendable {
        public var subprotocols: [String] = []
        public var permessageDeflate = false
        public var extraHeaders: [(String, String)] = []
        public var timeout: Duration = .seconds(5)
        public var limits = WebSocketConnection.Limits()
        public init() {}
    }

    /// Connects and performs the opening handshake.
    public init(host: String, port: UInt16, path: String, tls: TLSContext? = nil, serverName: String? = nil, options: Options = Options()) throws(WebSocketClientError) {
        stream = try BlockingStream(host: host, port: port, tls: tls, serverName: serverName, timeout: options.timeout)
        var rng = SystemRandomNumberGenerator()
        let key = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let handshake = WebSocketClientHandshake(subprotocols: options.subprotocols, offerDeflate: options.permessageDeflate, keyBytes: key)
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        try stream.write(handshake.requestBytes(host: hostHeader, path: path, extraHeaders: options.extraHeaders))
        var head: HTTPResponseHead?
        while head == nil {
            switch HTTPResponseHead.parse(&inbound) {
            case .head(let h): head = h
            case .invalid(let m): throw .badHandshake(m)
            case .needMore:
                let bytes = try stream.read(timeout: options.timeout)
                if bytes.isEmpty && stream.peerClosed { throw .badHandshake("connection closed during handshake") }
                inbound.write(bytes: bytes)
            }
        }
        switch handshake.validate(head!) {
        case .failure(let error): throw error
        case .success(let outcome):
            subprotocol = outcome.subprotocol
            deflate = outcome.deflate
            handshakeHeaders = head!.headers
            connection = WebSocketConnection(role: .client, limits: options.limits, deflate: outcome.deflate, maskSeed: rng.next())
        }
    }

    public var tlsALPN: String? { stream.alpn }

    public func send(text: String) throws(WebSocketClientError) {
        connection.sendText(Array(text.utf8), into: &output)
        try flush()
    }

    public func send(binary: [UInt8]) throws(WebSocketClientError) {
        connection.sendBinary(binary, into: &output)
        try flush()
    }

    public func sendPing(_ payload: [UInt8] = []) throws(WebSocketClientError) {
        connection.sendPing(payload, into: &output)
        try flush()
    }

    /// Writes bytes as they are (tests use this for hand-made, possibly invalid frames).
    public func sendRaw(_ bytes: [UInt8]) throws(WebSocketClientError) {
        try stream.write(bytes)
    }

    /// Starts the close handshake.
    public func close(code: WebSocketCloseCode = .normal, reason: String = "") throws(WebSocketClientError) {
        connection.close(code: code, reason: reason, into: &output)
        try flush()
    }

    /// Waits for the next event (messages, pings, pongs, close). Throws `.timeout` if nothing comes in time.
    public func receive(timeout: Duration = .seconds(5)) throws(WebSocketClientError) -> WebSocketConnection.Event {
        while true {
            if let event = connection.nextEvent(from: &inbound, output: &output) {
                try? flush()
                return event
            }
            if stream.peerClosed { return .closed(code: .abnormalClosure, reason: "connection dropped without a close frame") }
            let bytes = try stream.read(timeout: timeout)
            inbound.write(bytes: bytes)
        }
    }

    /// Waits for the next text or binary message, answering pings on the way.
    public func receiveMessage(timeout: Duration = .seconds(5)) throws(WebSocketClientError) -> WebSocketConnection.Event {
        while true {
            let event = try receive(timeout: timeout)
            switch event {
            case .ping, .pong: continue
            default: return event
            }
        }
    }

    /// Closes TCP without a close frame (simulates a dropped network).
    public func drop() { stream.shutdown() }

    private func flush() throws(WebSocketClientError) {
        guard !output.isEmpty else { return }
        let bytes = output
        output.removeAll(keepingCapacity: true)
        try stream.write(bytes)
    }
}
