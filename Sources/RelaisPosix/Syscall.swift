#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The outcome of a non-blocking call: either it did something, or the kernel said "try again later".
///
/// `EAGAIN`/`EWOULDBLOCK` is the normal state of a non-blocking socket, not an error, so it is a case here
/// rather than a thrown value.
public enum IOResult<Value: Sendable>: Sendable {
    case processed(Value)
    case wouldBlock
}

/// The one funnel every syscall of Relais goes through. The errno policy lives here and nowhere else:
///
/// - `EINTR`: the call was interrupted by a signal before doing anything; retry it.
/// - `EAGAIN`/`EWOULDBLOCK`: return `.wouldBlock`; the event loop waits for readiness.
/// - `EBADF`, `EFAULT`: a descriptor or pointer we passed is wrong. That is a bug in Relais, not an
///   environmental condition, and carrying on could corrupt another connection's descriptor, so it traps.
/// - anything else (`ECONNRESET`, `EPIPE`, `EMFILE`, …): thrown as `Errno` with the call's name; the caller
///   decides (close one connection, back off accepting, …).
@inlinable
public func syscall<T: BinaryInteger & Sendable>(
    _ function: StaticString,
    _ body: () -> T
) throws(Errno) -> IOResult<T> {
    while true {
        let result = body()
        if result >= 0 { return .processed(result) }
        let code = Errno.current
        switch code {
        case EINTR:
            continue
        case EAGAIN, EWOULDBLOCK:
            return .wouldBlock
        case EBADF, EFAULT:
            preconditionFailure("unacceptable errno \(code) from \(function): this is a Relais bug")
        default:
            throw Errno(code, function: function)
        }
    }
}

/// Like `syscall` for calls that must not return `EAGAIN` (setup calls on blocking paths).
@inlinable
public func syscallChecked<T: BinaryInteger & Sendable>(
    _ function: StaticString,
    _ body: () -> T
) throws(Errno) -> T {
    switch try syscall(function, body) {
    case .processed(let value): return value
    case .wouldBlock: throw Errno(EAGAIN, function: function)
    }
}
