import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisWebSocket

/// What a WebSocket endpoint implements. Called on the connection's event loop only.
public protocol WebSocketHandler: AnyObject {
    /// The handshake completed; `session` can send from now on.
    func didOpen(_ session: any WebSocketSession)
    func didReceive(text: [UInt8], from session: any WebSocketSession)
    func didReceive(binary: [UInt8], from session: any WebSocketSession)
    /// The connection is gone (close handshake done, dropped, or failed). `code` is what the peer sent, or
    /// 1006 for a drop. Called exactly once.
    func didClose(_ session: any WebSocketSession, code: WebSocketCloseCode?, reason: String)
}

/// The face of a WebSocket connection a handler sees.
public protocol WebSocketSession: AnyObject {
    /// The loop that owns the connection; cross-loop callers must `execute` on it.
    var loop: EventLoop { get }
    /// A process-unique connection number (for logs and maps; carries no client data).
    var connectionID: UInt64 { get }
    /// Queues a text message. Returns false when the connection is closing or its send queue overflowed.
    @discardableResult func send(text: [UInt8]) -> Bool
    @discardableResult func send(binary: [UInt8]) -> Bool
    /// Starts the close handshake with `code`.
    func close(code: WebSocketCloseCode, reason: String)
    /// Bytes queued and not yet written to the socket.
    var queuedBytes: Int { get }
    /// Salted hash of the client address (per-address limits; the address itself is never exposed).
    var peerHash: UInt64 { get }
    /// Whether the client connected from a loopback address.
    var peerIsLoopback: Bool { get }
}

/// An endpoint's decision on an upgrade request, taken before the `101` goes out.
public enum WebSocketAdmission {
    /// Complete the handshake; this handler takes the connection.
    case accept(any WebSocketHandler)
    /// Answer with this HTTP response instead (e.g. a 401 JSON error), and close.
    case refuse(HTTPResponse)
}

/// Builds one handler per accepted WebSocket connection of an endpoint.
public struct WebSocketEndpoint: Sendable {
    public var subprotocols: [String]
    /// Runs on the connection's loop once the handshake is valid: it may read the request (query, headers) to
    /// authorise it and configure the handler, or refuse it with a plain HTTP response (no upgrade happens).
    public var admit: @Sendable (_ request: HTTPRequest, _ loop: EventLoop) -> WebSocketAdmission

    /// An endpoint that accepts every valid upgrade.
    public init(subprotocols: [String] = [], makeHandler: @escaping @Sendable (_ loop: EventLoop) -> any WebSocketHandler) {
        self.subprotocols = subprotocols
        self.admit = { _, loop in .accept(makeHandler(loop)) }
    }

    /// An endpoint that decides per request.
    public init(subprotocols: [String] = [], admit: @escaping @Sendable (_ request: HTTPRequest, _ loop: EventLoop) -> WebSocketAdmission) {
        self.subprotocols = subprotocols
        self.admit = admit
    }
}
