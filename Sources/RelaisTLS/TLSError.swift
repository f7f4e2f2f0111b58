internal import CRelaisOpenSSL

/// A TLS failure, with OpenSSL's error queue drained into readable lines.
///
/// A struct wrapping a kind (not a public enum) so new kinds can be added without breaking callers.
public struct TLSError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// Certificate or key could not be loaded, or they do not match.
        case configuration
        /// The peer broke the protocol or we could not agree (versions, ciphers, ALPN, certificate).
        case handshakeFailed
        /// A TLS record could not be processed after the handshake.
        case protocolError
        /// The handshake did not finish before its deadline.
        case handshakeTimeout
        /// Certificate generation failed.
        case certificateGeneration
    }

    public let kind: Kind
    /// OpenSSL's own messages, oldest first (library:function:reason). Never contains peer data.
    public let openSSLErrors: [String]
    public let context: String

    public init(_ kind: Kind, _ context: String, openSSLErrors: [String] = []) {
        self.kind = kind
        self.context = context
        self.openSSLErrors = openSSLErrors
    }

    /// Builds an error and drains the thread's OpenSSL error queue into it, so the next operation on this
    /// thread does not see stale errors.
    static func drainingQueue(_ kind: Kind, _ context: String) -> TLSError {
        TLSError(kind, context, openSSLErrors: drainErrorQueue())
    }

    static func drainErrorQueue() -> [String] {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines
    }

    public var description: String {
        openSSLErrors.isEmpty ? "\(kind.rawValue): \(context)" : "\(kind.rawValue): \(context) [\(openSSLErrors.joined(separator: "; "))]"
    }
}
