import RelaisHTTP
import RelaisPosix

/// Completes a deferred HTTP request from any thread, exactly once.
///
/// `@unchecked Sendable`: the connection is only touched on its own loop (`execute` hops there first).
public struct HTTPResponder: @unchecked Sendable {
    let loop: EventLoop
    weak var connection: Connection?
    let keepAlive: Bool
    let includeBody: Bool

    public func respond(_ response: HTTPResponse) {
        let target = self
        if loop.inEventLoop {
            target.connection?.completeDeferred(response, keepAlive: keepAlive, includeBody: includeBody)
        } else {
            loop.execute { target.connection?.completeDeferred(response, keepAlive: target.keepAlive, includeBody: target.includeBody) }
        }
    }
}
