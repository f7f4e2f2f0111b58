import RelaisStore
import Dispatch
import CoreMetrics
import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisTLS
import RelaisWebSocket
import Synchronization

/// A Relais server: listeners, event loops and connections, from start to graceful shutdown.
///
/// `init` binds (so the port is known and errors surface before threads start), `start()` runs the loops,
/// `shutdown()` stops accepting, closes WebSockets with 1001, waits for connections to drain, then stops.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    let context: ServerContext
    let group: EventLoopGroup
    let loopStates: [LoopBound<LoopState>]
    /// The address actually bound (port resolved when 0 was asked for).
    public let boundAddress: SocketAddress
    private let listenersToStart: Mutex<[Int: CInt]>
    let signalling: SignallingService

    /// Binds the listeners. `routes` adds endpoints to the built-in ones (`/healthz`, `/readyz`, `/v1/echo`).
    public init(configuration: ServerConfiguration, routes: (inout Router<Route>) -> Void = { _ in }) throws {
        var configuration = configuration
        if configuration.loops <= 0 { configuration.loops = EventLoopGroup.defaultLoopCount }
        let address = try SocketAddress(host: configuration.host, port: configuration.port)
        if !configuration.tlsEnabled && !address.isLoopback && !configuration.allowPlaintextOnPublicAddress {
            throw ServerError.plaintextOnPublicAddress(address.description)
        }
        let tls = configuration.tlsEnabled
            ? try TLSContextHolder(certificateChainPath: configuration.tlsCertificatePath!, privateKeyPath: configuration.tlsPrivateKeyPath!)
            : nil
        group = try EventLoopGroup(count: configuration.loops,
                                   coalescingNanoseconds: Int64(configuration.loopCoalescingMicroseconds) * 1000)
        loopStates = group.loops.map { LoopBound(LoopState(loop: $0), on: $0) }

        // Bind the first listener, learn its port (when 0 was asked), then bind the others to the same port.
        let listenerCount = configuration.reusePort ? configuration.loops : 1
        let first = try Socket.listen(at: address, reusePort: configuration.reusePort)
        let port = try first.localAddress()?.port ?? configuration.port
        let bound = try SocketAddress(host: configuration.host, port: port)
        var descriptors = [0: first.releaseDescriptor()]
        for i in 1..<max(1, listenerCount) {
            descriptors[i] = try Socket.listen(at: bound, reusePort: true).releaseDescriptor()
        }
        listenersToStart = Mutex(descriptors)
        boundAddress = bound
        configuration.port = port
        self.configuration = configuration

        let shutdownFlag = ShutdownFlag()
        let metrics = ServerMetrics()
        var router = Router<Route>()
        Self.addBuiltinRoutes(to: &router, configuration: configuration)
        router.add("GET", "/readyz", .http { _, _ in
            Self.readinessResponse(shuttingDown: shutdownFlag.value.load(ordering: .relaxed))
        })
        let audit = try configuration.auditLogPath.map { try AuditWriter(path: $0) }
        let store = try configuration.storePath.map { try Store(path: $0) }
        let feed = FeedHub()
        let signalling = SignallingService(configuration: configuration, loops: group.loops, audit: audit, metrics: metrics, store: store,
                                           feed: feed)
        router.add("GET", "/v1/signal", .webSocket(WebSocketEndpoint(subprotocols: ["relais.v1"]) { loop in
            SignalSession(loop: loop, service: signalling)
        }))
        self.signalling = signalling
        let auth = AdminAuth(tokens: configuration.adminTokens)
        router.add("POST", "/api/v1/stats", StatsIngestRoute.make(service: signalling, auth: auth, maxBatch: configuration.maxStatsBatch))
        AdminAPI(service: signalling, auth: auth).register(in: &router)
        router.add("GET", "/api/v1/feed", FeedRoute.make(feed: feed, auth: auth))
        DemoRoutes.register(in: &router)
        DashboardRoutes.register(in: &router)
        routes(&router)
        router.add("GET", "/metrics", MetricsRoute.make(service: signalling, metrics: metrics, shutdownFlag: shutdownFlag))
        let context = ServerContext(configuration: configuration, router: router, tls: tls, shutdownFlag: shutdownFlag, metrics: metrics)
        // Weak: the context owns the metrics, so a strong capture here would keep both alive forever.
        metrics.openCounts.withLock { $0 = { [weak context] in
            (context?.openConnections.load(ordering: .relaxed) ?? 0, context?.webSocketConnections.load(ordering: .relaxed) ?? 0)
        } }
        self.context = context
    }

    deinit {
        // Listeners never handed to a loop (start() not called) are closed here.
        for fd in listenersToStart.withLock({ $0.values }) { Socket(taking: fd).close() }
    }

    /// Starts the loop threads and begins accepting.
    public func start() {
        group.start()
        for loop in group.loops { loop.execute { [context] in Self.measureLag(loop: loop, metrics: context.metrics) } }
        for hub in signalling.hubs { hub.loop.execute { Self.persistPeriodically(hub) } }
        FeedOverview.start(feed: signalling.feed, service: signalling, loop: group.loops[0])
        if let store = signalling.store { Self.applyRetentionHourly(store: store, days: configuration.retentionDays, loop: group.loops[0]) }
        let descriptors = listenersToStart.withLock { taken in
            defer { taken.removeAll() }
            return taken
        }
        for (index, fd) in descriptors {
            let bound = loopStates[index]
            bound.loop.execute { [self] in
                let acceptor = Acceptor(listener: Socket(taking: fd), loop: bound.loop, server: self)
                bound.value.acceptor = acceptor
                try? acceptor.start()
            }
        }
    }

    /// Number of open connections on every loop.
    public var openConnections: Int { context.openConnections.load(ordering: .relaxed) }
    public var openWebSockets: Int { context.webSocketConnections.load(ordering: .relaxed) }
    public var sendQueueOverflows: Int { context.sendQueueOverflows.load(ordering: .relaxed) }
    /// Live feed subscribers (`/api/v1/feed`).
    public var feedSubscribers: Int { signalling.feed.subscriberCount }
    public var isShuttingDown: Bool { context.shuttingDown.load(ordering: .relaxed) }

    /// Reloads the TLS certificate and key from their files (SIGHUP). Open connections are untouched.
    public func reloadTLS() throws {
        try context.tls?.reload()
    }

    /// Creates the connection for an accepted socket, on the accepting loop or handed to the next one.
    func adopt(socket: consuming Socket, peer: PeerIdentity, acceptedOn loop: EventLoop) {
        if context.shuttingDown.load(ordering: .relaxed) { return }  // dropping the socket closes it
        try? socket.setNoDelay()
        if configuration.reusePort || group.loops.count == 1 {
            open(socket: socket, peer: peer, on: loopStates[loop.index].value)
            return
        }
        let target = loopStates[group.next().index]
        let fd = socket.releaseDescriptor()
        target.loop.execute { [self] in
            open(socket: Socket(taking: fd), peer: peer, on: target.value)
        }
    }

    private func open(socket: consuming Socket, peer: PeerIdentity, on state: LoopState) {
        let connection = Connection(socket: socket, peer: peer, state: state, context: context)
        do throws(Errno) { try connection.start() } catch { connection.abort() }
    }

    /// Event-loop lag: a timer asks to run 500 ms from now; how late it actually runs is time the loop spent busy.
    private static func measureLag(loop: EventLoop, metrics: ServerMetrics) {
        let expected = loop.clock.now() + .milliseconds(500)
        loop.scheduleTimer(at: expected) {
            metrics.loopLag.recordNanoseconds(Int64(loop.clock.now().since(expected).nanosecondsClamped))
            measureLag(loop: loop, metrics: metrics)
        }
    }

    private static func persistPeriodically(_ hub: LoopBound<SignalHub>) {
        hub.loop.scheduleTimer(after: .seconds(5)) {
            hub.value.persistWindows()
            persistPeriodically(hub)
        }
    }

    /// Retention runs off the loops (a DELETE can take a while on a large store), now and every hour.
    private static func applyRetentionHourly(store: Store, days: Int, loop: EventLoop) {
        let cutoff = loop.clock.wallClockMilliseconds() - Int64(days) * 86_400_000
        DispatchQueue.global(qos: .utility).async { _ = try? store.applyRetention(endedBeforeMs: cutoff) }
        loop.execute {
            loop.scheduleTimer(after: .seconds(3600)) { applyRetentionHourly(store: store, days: days, loop: loop) }
        }
    }

    /// A per-process keyed hash of the peer address: usable for per-address limits, useless for finding a
    /// person (Swift's `Hasher` is SipHash with a random per-process seed).
    func identify(_ address: SocketAddress?) -> PeerIdentity {
        var hasher = Hasher()
        hasher.combine(address?.host ?? "")
        hasher.combine(context.addressSalt)
        let loopback = address.map { $0.isLoopback || $0.host.hasPrefix("::ffff:127.") } ?? false
        return PeerIdentity(hash: UInt64(bitPattern: Int64(hasher.finalize())), isLoopback: loopback)
    }
}

/// Errors that stop a server from starting.
public enum ServerError: Error, CustomStringConvertible {
    case plaintextOnPublicAddress(String)

    public var description: String {
        switch self {
        case .plaintextOnPublicAddress(let address):
            return "refusing plain ws/http on \(address): give --tls-cert and --tls-key, listen on loopback, or pass --allow-plaintext"
        }
    }
}
