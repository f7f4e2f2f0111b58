/// A value that belongs to one event loop: it may be carried across threads (to `execute` on its loop) but
/// only read or changed on that loop, which `value` asserts in debug builds.
///
/// `@unchecked Sendable` is the point of the type: the confinement is checked by `assertInEventLoop` rather than
/// by the compiler, the same contract as NIO's `NIOLoopBound`.
public struct LoopBound<Value>: @unchecked Sendable {
    public let loop: EventLoop
    private let storage: Value

    public init(_ value: Value, on loop: EventLoop) {
        self.loop = loop
        storage = value
    }

    public var value: Value {
        loop.assertInEventLoop()
        return storage
    }
}
