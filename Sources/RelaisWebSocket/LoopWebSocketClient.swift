import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisTLS

/// A non-blocking WebSocket client connection driven by an `EventLoop` (plain TCP): the load generator's
/// client. Thousands of them share a few loops; all callbacks run on the connection's loop.
public final class LoopWebSocketClient: IOHandler {
    public enum Event {
        case open
        case message(WebSocketConnection.Event)
        /// The connection is gone; `error` says why when it was not a clean close.
        case closed(error: String?)
    }

    public let loop: EventLoop
    private var socket: Socket?
    /// TLS over memory BIOs when connecting to a `wss://` server (the same engine as the server's).
    private var tls: TLSSession?
    private let tlsContext: TLSContext?
    private let serverName: String?
    private var connection: WebSocketConnection
    private var handshake: WebSocketClientHandshake
    private let address: SocketAddress
    private let path: String
    private var open = false
    private var inbound = ByteBuffer()
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var pending: [UInt8] = []
    /// Write interest is registered (from the start: a non-blocking connect completes with writability).
    private var writeInterest = true
    private var finished = false
    private let readBuffer: UnsafeMutableRawBufferPointer
    private let onEvent: (LoopWebSocketClient, Event) -> Void

    /// Call on `loop`. `onEvent` is called on `loop` too.
    public init(loop: EventLoop, address: SocketAddress, path: String, maskSeed: UInt64, tls: TLSContext? = nil,
                serverName: String? = nil, onEvent: @escaping (LoopWebSocketClient, Event) -> Void) {
        self.loop = loop
        tlsContext = tls
        self.serverName = serverName
        self.address = address
        self.path = path
        self.onEvent = onEvent
        var seed = maskSeed
        let key = (0..<16).map { _ in UInt8(truncatingIfNeeded: { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }()) }
        handshake = WebSocketClientHandshake(keyBytes: key)
        connection = WebSocketConnection(role: .client, maskSeed: maskSeed)
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit { readBuffer.deallocate() }

    /// Connects and sends the upgrade request.
    public func start() {
        do throws(Errno) {
            let s = try Socket.tcp(family: address.family)
            try? s.setNoDelay()
            _ = try s.connect(to: address)
            let fd = s.descriptor
            socket = Optional(s)
            try loop.register(fd: fd, events: [.readable, .writable], handler: self)
            pending = handshake.requestBytes(host: address.description, path: path)
        } catch {
            fail("connect: \(error)")
            return
        }
        if let tlsContext {
            do throws(TLSError) { tls = try TLSSession(context: tlsContext, serverName: serverName) } catch {
                fail("tls: \(error)")
                return
            }
            // The ClientHello: the upgrade request waits in `pending` until the handshake completes.
            var ignored: [UInt8] = []
            _ = tls!.process(plaintext: &ignored)
            tls!.takeCiphertext(into: &outbound)
        }
    }

    public var isOpen: Bool { open && !finished }

    /// Queues a text message (flushed at once, or when the socket becomes writable).
    public func send(text: [UInt8]) {
        guard isOpen else { return }
        connection.sendText(text, into: &pending)
        flush()
    }

    /// Starts the close handshake.
    public func close() {
        guard isOpen else { return }
        connection.close(code: .normal, into: &pending)
        flush()
    }

    public func handle(events: EpollEvents) {
        if events.contains(.writable) { flush() }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) { readAvailable() }
    }

    private func readAvailable() {
        while !finished, let fdSocket = socket?.descriptor {
            _ = fdSocket
            let result: IOResult<Int>
            do throws(Errno) { result = try socket!.read(into: readBuffer) } catch { fail("read: \(error)"); return }
            guard case .processed(let n) = result else { break }
            if n == 0 { fail(open ? nil : "closed during handshake"); return }
            if tls != nil {
                tls!.receive(ciphertext: UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
                var plain: [UInt8] = []
                let outcome = tls!.process(plaintext: &plain)
                tls!.takeCiphertext(into: &outbound)
                if case .failed(let error) = outcome { fail("tls: \(error)"); return }
                // Plaintext that arrived with close_notify (typically the server's close frame) is read first.
                inbound.write(bytes: plain)
                if outcome == .closed {
                    process()
                    fail(open ? nil : "closed during handshake")
                    return
                }
            } else {
                inbound.write(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
            }
            process()
            if n < readBuffer.count { break }
        }
        flush()
    }

    private func process() {
        if !open {
            switch HTTPResponseHead.parse(&inbound) {
            case .needMore: return
            case .invalid(let why): fail(why); return
            case .head(let head):
                if case .failure(let error) = handshake.validate(head) { fail(error.description); return }
                open = true
                onEvent(self, .open)
            }
        }
        while !finished, let event = connection.nextEvent(from: &inbound, output: &pending) {
            onEvent(self, .message(event))
            switch event {
            case .closed, .failed:
                flush()
                fail(nil)
                return
            default:
                break
            }
        }
        inbound.compact()
    }

    private func flush() {
        guard !finished else { return }
        if tls != nil {
            // Plaintext waits until the handshake is done; then it is encrypted into the outbound records.
            if !pending.isEmpty && (tls?.isHandshakeComplete ?? false) {
                let failed: Bool = pending.withUnsafeBytes { raw in
                    do throws(TLSError) { try tls!.send(plaintext: raw); return false } catch { return true }
                }
                pending.removeAll(keepingCapacity: true)
                if failed { fail("tls: write failed"); return }
                tls!.takeCiphertext(into: &outbound)
            }
        } else if !pending.isEmpty {
            if outboundOffset == outbound.count { swap(&outbound, &pending); outboundOffset = 0; pending.removeAll(keepingCapacity: true) } else {
                outbound += pending
                pending.removeAll(keepingCapacity: true)
            }
        }
        while outboundOffset < outbound.count, let s = socket?.descriptor {
            let offset = outboundOffset
            let attempt: Result<IOResult<Int>, Errno> = outbound.withUnsafeBytes { raw in
                do throws(Errno) { return .success(try socket!.write(UnsafeRawBufferPointer(rebasing: raw[offset...]))) } catch { return .failure(error) }
            }
            switch attempt {
            case .failure(let error): fail("write: \(error)"); return
            case .success(.wouldBlock):
                if !writeInterest {
                    writeInterest = true
                    try? loop.modify(fd: s, events: [.readable, .writable])
                }
                return
            case .success(.processed(let n)):
                outboundOffset += n
            }
        }
        outbound.removeAll(keepingCapacity: true)
        outboundOffset = 0
        if let fd = socket?.descriptor, writeInterest {
            writeInterest = false
            try? loop.modify(fd: fd, events: [.readable])
        }
    }

    private func fail(_ error: String?) {
        guard !finished else { return }
        finished = true
        if let fd = socket?.descriptor { loop.deregister(fd: fd) }
        socket = nil
        tls = nil
        onEvent(self, .closed(error: error))
    }
}
