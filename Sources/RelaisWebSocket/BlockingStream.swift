#if canImport(Glibc)
import Glibc
#endif
import RelaisCore
import RelaisPosix
import RelaisTLS

/// A client byte stream (TCP, optionally TLS) with blocking-with-timeout reads, for the WebSocket client, tests
/// and tools. The socket stays non-blocking; waiting is done with `poll`, so every call has a deadline.
public final class BlockingStream {
    private let socket: Socket
    private var tls: TLSSession?
    private var plaintext: [UInt8] = []
    private var ciphertextOut: [UInt8] = []
    public private(set) var peerClosed = false

    /// Connects to `host:port`; with `tls`, completes the TLS handshake (SNI and verification use `serverName`).
    public init(host: String, port: UInt16, tls: TLSContext? = nil, serverName: String? = nil, timeout: Duration = .seconds(5)) throws(WebSocketClientError) {
        let address: SocketAddress
        do { address = try SocketAddress(host: host, port: port) } catch { throw .connectFailed(error.description) }
        do {
            socket = try Socket.tcp(family: address.family)
            if try !socket.connect(to: address) {
                guard Self.poll(socket.descriptor, events: Int16(POLLOUT), timeout: timeout) else { throw WebSocketClientError.timeout }
                let code = socket.pendingError()
                if code != 0 { throw WebSocketClientError.connectFailed(String(cString: strerror(code))) }
            }
            try? socket.setNoDelay()
        } catch let error as WebSocketClientError {
            throw error
        } catch {
            throw .connectFailed("\(error)")
        }
        if let tls {
            do { self.tls = try TLSSession(context: tls, serverName: serverName ?? host) } catch { throw .tls("\(error)") }
            try handshake(deadline: SystemClock().now() + timeout)
        }
    }

    private func handshake(deadline: MonotonicTime) throws(WebSocketClientError) {
        while true {
            var ignored: [UInt8] = []
            switch tls!.process(plaintext: &ignored) {
            case .failed(let error): throw .tls(error.description)
            case .closed: throw .tls("closed during handshake")
            case .ok: break
            }
            try flushTLS()
            if tls?.isHandshakeComplete ?? false { plaintext += ignored; return }
            try readRaw(deadline: deadline)
        }
    }

    /// The negotiated ALPN protocol (TLS only).
    public var alpn: String? { tls?.negotiatedALPN }
    public var tlsVersion: String? { tls?.protocolVersion }

    /// Writes all bytes (encrypting when TLS).
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(5)) throws(WebSocketClientError) {
        if tls != nil {
            let failure: TLSError? = bytes.withUnsafeBytes { raw in
                do throws(TLSError) { try tls!.send(plaintext: raw); return nil } catch { return error }
            }
            if let failure { throw .tls(failure.description) }
            try flushTLS(timeout: timeout)
        } else {
            try writeRaw(bytes, timeout: timeout)
        }
    }

    private func flushTLS(timeout: Duration = .seconds(5)) throws(WebSocketClientError) {
        ciphertextOut.removeAll(keepingCapacity: true)
        tls!.takeCiphertext(into: &ciphertextOut)
        if !ciphertextOut.isEmpty { try writeRaw(ciphertextOut, timeout: timeout) }
    }

    private func writeRaw(_ bytes: [UInt8], timeout: Duration) throws(WebSocketClientError) {
        let deadline = SystemClock().now() + timeout
        var offset = 0
        while offset < bytes.count {
            let attempt: Result<IOResult<Int>, Errno> = bytes.withUnsafeBytes { raw in
                do throws(Errno) { return .success(try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...]))) } catch { return .failure(error) }
            }
            let result: IOResult<Int>
            switch attempt {
            case .success(let r): result = r
            case .failure(let error): throw .closed(code: nil, reason: error.description)
            }
            switch result {
            case .processed(let n): offset += n
            case .wouldBlock:
                let remaining = deadline.since(SystemClock().now())
                guard remaining > .zero, Self.poll(socket.descriptor, events: Int16(POLLOUT), timeout: remaining) else { throw .timeout }
            }
        }
    }

    /// Returns available plaintext, waiting until some arrives or the deadline. Empty with `peerClosed` at EOF.
    public func read(timeout: Duration = .seconds(5)) throws(WebSocketClientError) -> [UInt8] {
        let deadline = SystemClock().now() + timeout
        while plaintext.isEmpty && !peerClosed {
            try readRaw(deadline: deadline)
            if tls != nil {
                switch tls!.process(plaintext: &plaintext) {
                case .failed(let error): throw .tls(error.description)
                case .closed: peerClosed = true
                case .ok: try flushTLS()
                }
            }
        }
        let out = plaintext
        plaintext = []
        return out
    }

    /// Reads whatever the socket has into the plaintext (or TLS) buffer, waiting up to the deadline.
    private func readRaw(deadline: MonotonicTime) throws(WebSocketClientError) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let attempt: Result<IOResult<Int>, Errno> = chunk.withUnsafeMutableBytes { raw in
                do throws(Errno) { return .success(try socket.read(into: raw)) } catch { return .failure(error) }
            }
            guard case .success(let result) = attempt else {
                peerClosed = true
                return
            }
            switch result {
            case .processed(0):
                peerClosed = true
                return
            case .processed(let n):
                if tls != nil {
                    chunk.withUnsafeBytes { tls!.receive(ciphertext: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                } else {
                    plaintext.append(contentsOf: chunk[0..<n])
                }
                return
            case .wouldBlock:
                let remaining = deadline.since(SystemClock().now())
                guard remaining > .zero, Self.poll(socket.descriptor, events: Int16(POLLIN), timeout: remaining) else { throw .timeout }
            }
        }
    }

    /// Sends a TLS close_notify (if TLS) and half-closes the socket.
    public func shutdown() {
        if tls != nil { tls!.close(); try? flushTLS(timeout: .milliseconds(200)) }
        socket.shutdownWrite()
    }

    /// Waits for readiness with `poll`. The corresponding C function is `poll`.
    static func poll(_ fd: CInt, events: Int16, timeout: Duration) -> Bool {
        var pfd = pollfd(fd: fd, events: events, revents: 0)
        let ms = Int32(clamping: max(1, timeout.millisecondsClamped))
        while true {
            let rc = Glibc.poll(&pfd, 1, ms)
            if rc < 0 && errno == EINTR { continue }
            return rc > 0
        }
    }
}
