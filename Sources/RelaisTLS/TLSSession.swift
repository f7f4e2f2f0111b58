internal import CRelaisOpenSSL

/// One TLS connection driven over memory BIOs: a byte transformer, never a socket owner.
///
/// The event loop reads ciphertext from the socket and hands it to `receive(ciphertext:)`, calls `process` to
/// advance the handshake and decrypt, encrypts with `send(plaintext:)`, and writes whatever `takeCiphertext`
/// returns. OpenSSL never blocks and never sees a descriptor, so the same code serves server and client.
///
/// `~Copyable`: the session owns its `SSL*` (and, through it, both BIOs) and frees it exactly once.
public struct TLSSession: ~Copyable {
    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    public private(set) var isHandshakeComplete = false
    /// The peer sent `close_notify`.
    public private(set) var receivedCloseNotify = false

    /// What `process` found.
    public enum ProcessResult: Equatable, Sendable {
        /// Progress made (maybe plaintext appended, maybe handshake bytes to send); wait for more input.
        case ok
        /// The peer closed the TLS session cleanly.
        case closed
        /// Fatal: send what `takeCiphertext` holds (an alert) and close the connection.
        case failed(TLSError)
    }

    /// A session for one connection. For clients, `serverName` is sent as SNI and, when the context verifies
    /// peers, checked against the certificate.
    public init(context: TLSContext, serverName: String? = nil) throws(TLSError) {
        guard let ssl = SSL_new(context.raw) else { throw TLSError.drainingQueue(.configuration, "SSL_new failed") }
        guard let rbio = BIO_new(BIO_s_mem()), let wbio = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError.drainingQueue(.configuration, "BIO_new failed")
        }
        // An empty read BIO means "wait for more bytes", not EOF.
        _ = CRelaisOpenSSL_BIO_set_mem_eof_return(rbio, -1)
        SSL_set_bio(ssl, rbio, wbio)  // the SSL now owns both BIOs
        self.ssl = ssl
        readBIO = rbio
        writeBIO = wbio
        switch context.role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            let alpn: [UInt8] = [8] + Array("http/1.1".utf8)
            _ = SSL_set_alpn_protos(ssl, alpn, UInt32(alpn.count))
            if let serverName {
                _ = CRelaisOpenSSL_SSL_set_tlsext_host_name(ssl, serverName)
                _ = SSL_set1_host(ssl, serverName)
            }
        }
    }

    deinit { SSL_free(ssl) }

    /// Hands ciphertext read from the socket to OpenSSL.
    public mutating func receive(ciphertext: UnsafeRawBufferPointer) {
        guard let base = ciphertext.baseAddress, ciphertext.count > 0 else { return }
        // A memory BIO grows to take everything, so one write always takes the whole slice.
        _ = BIO_write(readBIO, base, Int32(ciphertext.count))
    }

    /// Advances the handshake, then decrypts every complete record, appending plaintext.
    public mutating func process(plaintext: inout [UInt8]) -> ProcessResult {
        if !isHandshakeComplete {
            let rc = SSL_do_handshake(ssl)
            if rc != 1 {
                let code = SSL_get_error(ssl, rc)
                if code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE { return .ok }
                return .failed(TLSError.drainingQueue(.handshakeFailed, "handshake failed (SSL_get_error \(code))"))
            }
            isHandshakeComplete = true
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * 1024) { buffer in
            while true {
                let n = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
                if n > 0 {
                    plaintext.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<Int(n)]))
                    continue
                }
                let code = SSL_get_error(ssl, n)
                switch code {
                case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                    return .ok
                case SSL_ERROR_ZERO_RETURN:
                    receivedCloseNotify = true
                    return .closed
                default:
                    return .failed(TLSError.drainingQueue(.protocolError, "record layer failed (SSL_get_error \(code))"))
                }
            }
        }
    }

    /// Encrypts `plaintext` into pending ciphertext. Call only after the handshake completed.
    public mutating func send(plaintext: UnsafeRawBufferPointer) throws(TLSError) {
        var offset = 0
        while offset < plaintext.count {
            let chunk = min(plaintext.count - offset, Int(Int32.max))
            let n = SSL_write(ssl, plaintext.baseAddress! + offset, Int32(chunk))
            if n <= 0 {
                throw TLSError.drainingQueue(.protocolError, "SSL_write failed (SSL_get_error \(SSL_get_error(ssl, n)))")
            }
            offset += Int(n)
        }
    }

    /// Bytes of ciphertext waiting to be written to the socket.
    public var pendingCiphertextCount: Int { CRelaisOpenSSL_BIO_pending(writeBIO) }

    /// Moves all pending ciphertext to the end of `output`.
    public mutating func takeCiphertext(into output: inout [UInt8]) {
        let pending = pendingCiphertextCount
        guard pending > 0 else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: pending))
        let n = output.withUnsafeMutableBytes { raw in
            BIO_read(writeBIO, raw.baseAddress! + start, Int32(pending))
        }
        output.removeLast(pending - max(0, Int(n)))
    }

    /// Queues a `close_notify` alert (sent with the next `takeCiphertext`).
    public mutating func close() {
        guard isHandshakeComplete else { return }
        _ = SSL_shutdown(ssl)
        _ = TLSError.drainErrorQueue()
    }

    /// The ALPN protocol agreed in the handshake, if any.
    public var negotiatedALPN: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// "TLSv1.3", "TLSv1.2", … once the handshake is done.
    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }
}
