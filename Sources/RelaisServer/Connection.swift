import CoreMetrics
import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisTLS
import RelaisWebSocket
import Synchronization

/// One accepted TCP connection: the thin driver that moves bytes between the socket, TLS, the HTTP parser and the
/// WebSocket state machine. All protocol decisions are made by those pure types; this class does the I/O,
/// timers and bookkeeping. Lives on one loop; only that loop touches it.
final class Connection: IOHandler, WebSocketSession {
    enum Phase: Equatable {
        case tlsHandshake
        case http
        case webSocket
        /// Final bytes queued; write them, then half-close and wait briefly for the peer's EOF.
        case closingAfterFlush
        /// Write side shut; draining and discarding input until EOF or the linger deadline.
        case lingering
        case closed
    }

    let loop: EventLoop
    let state: LoopState
    let context: ServerContext
    let connectionID: UInt64
    let peer: PeerIdentity
    var peerHash: UInt64 { peer.hash }
    var peerIsLoopback: Bool { peer.isLoopback }

    var socket: Socket?
    var tls: TLSSession?
    var phase: Phase
    var inbound = ByteBuffer()
    /// Bytes ready for the socket (ciphertext with TLS), written from `outboundOffset`.
    var outbound: [UInt8] = []
    var outboundOffset = 0
    /// Plaintext produced while handling input; encrypted and written once per read event.
    var pendingPlain: [UInt8] = []
    var interest: EpollEvents = [.readable, .readHangup]
    /// True while handling a read event: sends are batched and flushed once at the end.
    var processing = false

    var parser: HTTPRequestParser
    var requestStartedAt: MonotonicTime?
    var idleSince: MonotonicTime
    var webSocket: WebSocketConnection?
    var handler: (any WebSocketHandler)?
    var closeNotified = false
    /// A deferred route is computing the response to the current request.
    var awaitingDeferredResponse = false
    var sendQueueOverflowed = false
    var lastReceived: MonotonicTime
    var phaseTimer: TimerID?
    var pingTimer: TimerID?

    init(socket: consuming Socket, peer: PeerIdentity, state: LoopState, context: ServerContext) {
        self.loop = state.loop
        self.state = state
        self.context = context
        self.peer = peer
        connectionID = context.makeConnectionID()
        parser = HTTPRequestParser(limits: context.configuration.http)
        let now = state.loop.clock.now()
        idleSince = now
        lastReceived = now
        if let tlsHolder = context.tls {
            // A session that cannot be created leaves `tls` nil in the TLS phase; `start()` then refuses the
            // connection rather than ever speaking plaintext on a TLS listener.
            tls = try? TLSSession(context: tlsHolder.current)
            phase = .tlsHandshake
        } else {
            phase = .http
        }
        self.socket = Optional(socket)
    }

    var descriptor: CInt { socket?.descriptor ?? -1 }
    var isTLS: Bool { context.tls != nil }

    /// Registers with the loop and arms the first deadline.
    func start() throws(Errno) {
        guard context.tls == nil || tls != nil else { throw Errno(rawValue: 12) }  // ENOMEM from SSL_new
        try loop.register(fd: descriptor, events: interest, handler: self)
        state.connections[connectionID] = self
        context.openConnections.add(1, ordering: .relaxed)
        context.metrics.connectionsAccepted.increment()
        armPhaseTimer()
    }

    // MARK: IOHandler

    func handle(events: EpollEvents) {
        if events.contains(.readable) || events.contains(.readHangup) || events.contains(.hangup) || events.contains(.error) {
            readAvailable()
        }
        if phase != .closed && events.contains(.writable) {
            writeOutbound()
        }
    }

    /// Reads what the socket has (a bounded number of times, so one busy connection cannot starve the loop),
    /// feeds it through TLS and the protocol, then flushes everything produced in one write.
    private func readAvailable() {
        guard socket != nil else { return }
        processing = true
        defer {
            processing = false
            if phase != .closed { flushPending() }
        }
        var sawData = false
        var reads = 0
        while reads < 4 && phase != .closed {
            reads += 1
            guard let result = readOnce() else { return }
            guard case .processed(let count) = result else { break }  // would block: drained
            if count == 0 {
                peerClosedInput()
                return
            }
            sawData = true
            receive(UnsafeRawBufferPointer(rebasing: state.readBuffer[0..<count]))
            if count < state.readBuffer.count { break }  // a short read means the socket is drained
        }
        if sawData { lastReceived = loop.clock.now() }
    }

    private func readOnce() -> IOResult<Int>? {
        do throws(Errno) {
            return try socket?.read(into: state.readBuffer)
        } catch {
            // ECONNRESET and friends: the peer is gone.
            abort()
            return nil
        }
    }

    /// Routes freshly read bytes by phase.
    private func receive(_ bytes: UnsafeRawBufferPointer) {
        switch phase {
        case .lingering, .closingAfterFlush, .closed:
            return  // discarded: we are closing
        case .tlsHandshake, .http, .webSocket:
            break
        }
        if tls != nil {
            tls!.receive(ciphertext: bytes)
            var plain: [UInt8] = []
            let result = tls!.process(plaintext: &plain)
            // Handshake records (or alerts) may need to go out even when no plaintext came in.
            drainTLSOutput()
            switch result {
            case .failed:
                if phase == .tlsHandshake { context.tlsHandshakeFailures.add(1, ordering: .relaxed)
                    context.metrics.tlsHandshakesFailed.increment() }
                closeAfterFlush()
                return
            case .closed:
                if !plain.isEmpty { inbound.write(bytes: plain) }
                processInbound()
                peerClosedInput()
                return
            case .ok:
                if phase == .tlsHandshake {
                    guard tls?.isHandshakeComplete ?? false else { return }
                    context.metrics.tlsHandshakesOK.increment()
                    phase = .http
                    armPhaseTimer()
                }
                if !plain.isEmpty { inbound.write(bytes: plain) }
            }
        } else {
            inbound.write(bytes)
        }
        processInbound()
    }

    /// Dispatches buffered plaintext to the current protocol.
    func processInbound() {
        switch phase {
        case .http: processHTTP()
        case .webSocket: processWebSocket()
        default: break
        }
        inbound.compact()
    }

    /// The peer sent EOF (or TLS close_notify).
    private func peerClosedInput() {
        switch phase {
        case .lingering, .closingAfterFlush:
            teardown()
        case .webSocket:
            // A drop without a close frame: the handler hears 1006.
            abort()
        default:
            abort()
        }
    }
}
