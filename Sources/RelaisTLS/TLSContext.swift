internal import CRelaisOpenSSL

/// Owner of one `SSL_CTX`: certificates, protocol versions, ALPN, verification.
///
/// Immutable once built, and OpenSSL makes a configured `SSL_CTX` safe to share between threads (sessions
/// take their own reference), hence `@unchecked Sendable`. Certificate reload builds a new context and swaps
/// it in for new connections (see `TLSContextHolder`); sessions created from the old one keep it alive.
public final class TLSContext: @unchecked Sendable {
    let raw: OpaquePointer
    public let role: Role

    public enum Role: Sendable { case server, client }

    /// Server context from a PEM certificate chain (leaf first) and a PEM private key.
    public static func server(certificateChainPath: String, privateKeyPath: String) throws(TLSError) -> TLSContext {
        let context = try TLSContext(role: .server)
        guard SSL_CTX_use_certificate_chain_file(context.raw, certificateChainPath) == 1 else {
            throw TLSError.drainingQueue(.configuration, "cannot load certificate chain from \(certificateChainPath)")
        }
        guard SSL_CTX_use_PrivateKey_file(context.raw, privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError.drainingQueue(.configuration, "cannot load private key from \(privateKeyPath)")
        }
        guard SSL_CTX_check_private_key(context.raw) == 1 else {
            throw TLSError.drainingQueue(.configuration, "private key does not match the certificate")
        }
        SSL_CTX_set_alpn_select_cb(context.raw, selectALPN, nil)
        return context
    }

    /// Client context. With `verifyPeer`, the server certificate must chain to `trustedCAPath` (or the system
    /// store when nil) and match the host name given to the session.
    public static func client(verifyPeer: Bool = true, trustedCAPath: String? = nil) throws(TLSError) -> TLSContext {
        let context = try TLSContext(role: .client)
        if verifyPeer {
            SSL_CTX_set_verify(context.raw, SSL_VERIFY_PEER, nil)
            let loaded = trustedCAPath.map { SSL_CTX_load_verify_locations(context.raw, $0, nil) }
                ?? SSL_CTX_set_default_verify_paths(context.raw)
            guard loaded == 1 else {
                throw TLSError.drainingQueue(.configuration, "cannot load trusted certificates")
            }
        } else {
            SSL_CTX_set_verify(context.raw, SSL_VERIFY_NONE, nil)
        }
        return context
    }

    private init(role: Role) throws(TLSError) {
        guard let ctx = SSL_CTX_new(role == .server ? TLS_server_method() : TLS_client_method()) else {
            throw TLSError.drainingQueue(.configuration, "SSL_CTX_new failed")
        }
        raw = ctx
        self.role = role
        // TLS 1.2 and 1.3 only: older versions have known weaknesses and no browser needs them.
        _ = CRelaisOpenSSL_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        _ = CRelaisOpenSSL_SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)
        // RELEASE_BUFFERS frees the 16 KiB+ record buffers of idle connections; ENABLE_PARTIAL_WRITE and
        // ACCEPT_MOVING_WRITE_BUFFER let us hand SSL_write whatever slice of the send queue is current.
        _ = CRelaisOpenSSL_SSL_CTX_set_mode(
            ctx, Int(SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        // No compression (CRIME), no renegotiation (a DoS vector with no use here), server picks the cipher.
        _ = CRelaisOpenSSL_SSL_CTX_set_options(
            ctx, Int(CRelaisOpenSSL_SSL_OP_NO_COMPRESSION | CRelaisOpenSSL_SSL_OP_NO_RENEGOTIATION
                | CRelaisOpenSSL_SSL_OP_CIPHER_SERVER_PREFERENCE))
    }

    deinit { SSL_CTX_free(raw) }
}

/// ALPN: pick `http/1.1` from the client's list. A client that offers ALPN without `http/1.1` (say, only `h2`)
/// gets a fatal `no_application_protocol` alert as RFC 7301 §3.2 asks; a client that offers no ALPN at all is
/// served HTTP/1.1 anyway (this callback is not called).
private func selectALPN(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ outLength: UnsafeMutablePointer<UInt8>?,
    _ input: UnsafePointer<UInt8>?, _ inputLength: UInt32, _ arg: UnsafeMutableRawPointer?
) -> Int32 {
    guard let input, let out, let outLength else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    let wanted = Array("http/1.1".utf8)
    var offset = 0
    let total = Int(inputLength)
    while offset < total {
        let length = Int(input[offset])
        let start = offset + 1
        guard start + length <= total else { break }
        if length == wanted.count && (0..<length).allSatisfy({ input[start + $0] == wanted[$0] }) {
            // Pointing into the client's list is allowed: OpenSSL copies the selection before returning.
            out.pointee = input + start
            outLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        offset = start + length
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL
}
