/// A close status code (RFC 6455 §7.4) with the rules about which codes may appear on the wire.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let normal = WebSocketCloseCode(1000)
    public static let goingAway = WebSocketCloseCode(1001)
    public static let protocolError = WebSocketCloseCode(1002)
    public static let unsupportedData = WebSocketCloseCode(1003)
    /// Never sent: means "the close frame had no status code".
    public static let noStatusReceived = WebSocketCloseCode(1005)
    /// Never sent: means "the connection dropped without a close frame".
    public static let abnormalClosure = WebSocketCloseCode(1006)
    public static let invalidPayload = WebSocketCloseCode(1007)
    public static let policyViolation = WebSocketCloseCode(1008)
    public static let messageTooBig = WebSocketCloseCode(1009)
    public static let mandatoryExtension = WebSocketCloseCode(1010)
    public static let internalError = WebSocketCloseCode(1011)
    public static let tryAgainLater = WebSocketCloseCode(1013)

    /// Whether a peer may send this code in a close frame.
    ///
    /// 1000–1003 and 1007–1011 are defined for the wire, and so are 1012–1014 (IANA registry, used by servers for
    /// restart/try-again/bad-gateway). 1004 is reserved, 1005/1006/1015 are local pseudo-codes that must never be
    /// sent. 3000–3999 are registered for libraries and frameworks, 4000–4999 are private use (Relais' own
    /// 44xx codes live there). Everything else is invalid and answered with 1002.
    public var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014: return true
        case 3000...4999: return true
        default: return false
        }
    }

    public var description: String { String(rawValue) }
}
