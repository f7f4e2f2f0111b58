import RelaisHTTP
import RelaisTLS
import RelaisWebSocket
import Synchronization

/// What a route does with a matched request.
public enum Route: Sendable {
    /// A plain HTTP handler, run on the connection's loop; it must not block.
    case http(@Sendable (HTTPRequest, RequestInfo) -> HTTPResponse)
    /// A WebSocket endpoint (the request must be an upgrade).
    case webSocket(WebSocketEndpoint)
    /// A handler that answers later, possibly from another loop (it gathers state owned by other loops).
    /// Pipelined requests behind it wait, so responses keep their order.
    case deferred(@Sendable (HTTPRequest, RequestInfo, HTTPResponder) -> Void)
}

/// Facts about a request that are not in it. The peer address is deliberately absent: handlers get only a
/// salted hash (see docs/privacy.md), so no code path can log a raw IP by accident.
public struct RequestInfo: Sendable {
    public let connectionID: UInt64
    public let isTLS: Bool
    public let parameters: [String: String]
    /// Salted hash of the client address, stable for the process lifetime (for per-address limits).
    public let peerHash: UInt64
}

/// What the server keeps of a client's address: a salted hash and whether it was loopback.
struct PeerIdentity: Sendable {
    let hash: UInt64
    let isLoopback: Bool
}

/// State shared by every loop of one server: configuration, routes, TLS context, counters.
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let router: Router<Route>
    let tls: TLSContextHolder?
    let openConnections = Atomic<Int>(0)
    let webSocketConnections = Atomic<Int>(0)
    let nextConnectionID = Atomic<UInt64>(1)
    let shutdownFlag: ShutdownFlag
    var shuttingDown: ShutdownFlag { shutdownFlag }
    let sendQueueOverflows = Atomic<Int>(0)
    let tlsHandshakeFailures = Atomic<Int>(0)
    let metrics: ServerMetrics
    /// Random per-process salt for hashing peer addresses.
    let addressSalt: UInt64

    init(configuration: ServerConfiguration, router: Router<Route>, tls: TLSContextHolder?, shutdownFlag: ShutdownFlag,
         metrics: ServerMetrics) {
        self.shutdownFlag = shutdownFlag
        self.metrics = metrics
        self.configuration = configuration
        self.router = router
        self.tls = tls
        var rng = SystemRandomNumberGenerator()
        addressSalt = rng.next()
    }

    func makeConnectionID() -> UInt64 { nextConnectionID.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// Set once when a graceful shutdown starts; read by `/readyz` and by the accept path.
final class ShutdownFlag: Sendable {
    let value = Atomic<Bool>(false)

    func load(ordering: AtomicLoadOrdering) -> Bool { value.load(ordering: .acquiring) }
    func exchange(_ new: Bool, ordering: AtomicUpdateOrdering) -> Bool { value.exchange(new, ordering: .acquiringAndReleasing) }
}
