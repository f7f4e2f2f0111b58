/// Bounds on what one request may cost the server. Every limit answers with its own status and code.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request target; longer gets 414 `uri_too_long`.
    public var maxTargetBytes: Int = 8 * 1024
    /// Total size of the request line and header fields; larger gets 431 `header_too_large`.
    public var maxHeaderBytes: Int = 16 * 1024
    /// Number of header fields; more gets 431 `too_many_headers`.
    public var maxHeaderCount: Int = 100
    /// Largest `Content-Length` accepted; larger gets 413 `body_too_large`.
    public var maxBodyBytes: Int = 1024 * 1024
    /// Time allowed from the first byte of a request to the end of its headers (slowloris guard); 408 after.
    public var headerDeadline: Duration = .seconds(10)
    /// Time allowed to receive a declared body.
    public var bodyDeadline: Duration = .seconds(30)
    /// How long an idle keep-alive connection is kept.
    public var keepAliveTimeout: Duration = .seconds(30)

    public init() {}
}
