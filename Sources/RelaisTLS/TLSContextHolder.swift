import Synchronization

/// The current server `TLSContext`, replaceable at run time (certificate reload on SIGHUP).
///
/// New connections read `current`; existing sessions keep the context they were created with, so a reload never
/// drops a connection. A failed reload keeps the old context and reports the error.
public final class TLSContextHolder: Sendable {
    private let context: Mutex<TLSContext>
    public let certificateChainPath: String
    public let privateKeyPath: String

    public init(certificateChainPath: String, privateKeyPath: String) throws(TLSError) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        context = Mutex(try TLSContext.server(certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath))
    }

    public var current: TLSContext { context.withLock { $0 } }

    /// Loads the certificate and key again from the same paths.
    public func reload() throws(TLSError) {
        let fresh = try TLSContext.server(certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath)
        context.withLock { $0 = fresh }
    }
}
