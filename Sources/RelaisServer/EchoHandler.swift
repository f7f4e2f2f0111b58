import RelaisCore
import RelaisPosix
import RelaisWebSocket

/// `/v1/echo`: sends every message back as received (text as text, binary as binary).
///
/// It is the pre-call network check (clients time round trips) and the conformance target, so it is
/// rate-limited per connection like any client traffic; over the limit the connection closes with 4429.
final class EchoHandler: WebSocketHandler {
    private var bucket: TokenBucket?

    init(burst: Int, ratePerSecond: Double, now: MonotonicTime) {
        if ratePerSecond > 0 { bucket = TokenBucket(capacity: burst, ratePerSecond: ratePerSecond, now: now) }
    }

    func didOpen(_ session: any WebSocketSession) {}

    func didReceive(text: [UInt8], from session: any WebSocketSession) {
        guard admit(session) else { return }
        session.send(text: text)
    }

    func didReceive(binary: [UInt8], from session: any WebSocketSession) {
        guard admit(session) else { return }
        session.send(binary: binary)
    }

    func didClose(_ session: any WebSocketSession, code: WebSocketCloseCode?, reason: String) {}

    private func admit(_ session: any WebSocketSession) -> Bool {
        guard bucket != nil else { return true }
        if bucket!.take(now: session.loop.clock.now()) { return true }
        session.close(code: .rateLimited, reason: "rate limited")
        return false
    }
}

extension WebSocketCloseCode {
    /// 4400: the client broke the Relais protocol (bad JSON, wrong first message).
    public static let relaisProtocolError = WebSocketCloseCode(4400)
    /// 4401: authentication failed.
    public static let authenticationFailed = WebSocketCloseCode(4401)
    /// 4403: forbidden (denied, removed).
    public static let forbidden = WebSocketCloseCode(4403)
    /// 4408: no `join` before the deadline.
    public static let joinTimeout = WebSocketCloseCode(4408)
    /// 4409: superseded by a newer connection of the same participant.
    public static let superseded = WebSocketCloseCode(4409)
    /// 4410: the visit ended.
    public static let visitEnded = WebSocketCloseCode(4410)
    /// 4429: rate limited.
    public static let rateLimited = WebSocketCloseCode(4429)
    /// 4503: the client does not read fast enough; its send queue overflowed.
    public static let cannotKeepUp = WebSocketCloseCode(4503)
}
