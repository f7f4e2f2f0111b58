#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CRelaisLinux

/// Readiness interest and results, as a typed set over the `EPOLL*` flags.
public struct EpollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The corresponding C flag is `EPOLLIN`.
    public static let readable = EpollEvents(rawValue: EPOLLIN.rawValue)
    /// The corresponding C flag is `EPOLLOUT`.
    public static let writable = EpollEvents(rawValue: EPOLLOUT.rawValue)
    /// The corresponding C flag is `EPOLLRDHUP`: the peer shut down its writing side.
    public static let readHangup = EpollEvents(rawValue: EPOLLRDHUP.rawValue)
    /// The corresponding C flag is `EPOLLHUP` (always reported, never needs asking).
    public static let hangup = EpollEvents(rawValue: EPOLLHUP.rawValue)
    /// The corresponding C flag is `EPOLLERR` (always reported, never needs asking).
    public static let error = EpollEvents(rawValue: EPOLLERR.rawValue)
}

/// Owner of an epoll instance: the thin backend the event loop drives (create, add, modify, delete, wait).
///
/// Each registration stores a 64-bit token in `epoll_data.u64`: the fd in the low 32 bits and a
/// registration generation in the high 32 bits, so an event that was already queued for a descriptor that
/// was closed and reused within the same `epoll_wait` batch can be recognised as stale and dropped.
public struct Epoll: ~Copyable {
    let descriptor: CInt

    /// The corresponding C function is `epoll_create1`.
    public init() throws(Errno) {
        descriptor = try syscallChecked("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
    }

    deinit { _ = Glibc.close(descriptor) }

    /// The corresponding C function is `epoll_ctl(EPOLL_CTL_ADD)`.
    public func add(_ fd: CInt, events: EpollEvents, token: UInt64) throws(Errno) {
        try control(EPOLL_CTL_ADD, fd, events, token)
    }

    /// The corresponding C function is `epoll_ctl(EPOLL_CTL_MOD)`.
    public func modify(_ fd: CInt, events: EpollEvents, token: UInt64) throws(Errno) {
        try control(EPOLL_CTL_MOD, fd, events, token)
    }

    /// The corresponding C function is `epoll_ctl(EPOLL_CTL_DEL)`. Errors are ignored: the descriptor is
    /// about to be closed, and closing removes it from every epoll set anyway.
    public func delete(_ fd: CInt) {
        var event = epoll_event()
        _ = epoll_ctl(descriptor, EPOLL_CTL_DEL, fd, &event)
    }

    private func control(_ op: CInt, _ fd: CInt, _ events: EpollEvents, _ token: UInt64) throws(Errno) {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.u64 = token
        _ = try syscallChecked("epoll_ctl") { epoll_ctl(descriptor, op, fd, &event) }
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and fills `events`; returns how many are ready.
    /// An interrupted wait returns 0 so the loop re-checks its timers and inbox.
    /// The corresponding C function is `epoll_wait`.
    public func wait(into events: UnsafeMutableBufferPointer<epoll_event>, timeoutMilliseconds: CInt) -> Int {
        let n = epoll_wait(descriptor, events.baseAddress, CInt(events.count), timeoutMilliseconds)
        if n < 0 {
            let code = Errno.current
            // Like redis' aeApiPoll: EINTR is normal (a signal), anything else means our epoll fd is broken.
            precondition(code == EINTR, "epoll_wait failed with errno \(code)")
            return 0
        }
        return Int(n)
    }
}

/// Owner of an `eventfd`, the doorbell other threads ring to wake an event loop blocked in `epoll_wait`.
public struct EventFD: ~Copyable {
    public let descriptor: CInt

    /// The corresponding C function is `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`.
    public init() throws(Errno) {
        descriptor = try syscallChecked("eventfd") { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    deinit { _ = Glibc.close(descriptor) }

    /// Rings the doorbell. A full counter (EAGAIN) already means "wake up", so it is not an error.
    /// The corresponding C function is `eventfd_write`.
    public func signal() {
        _ = eventfd_write(descriptor, 1)
    }

    /// Resets the counter after a wake-up. The corresponding C function is `eventfd_read`.
    public func drain() {
        var value: eventfd_t = 0
        _ = eventfd_read(descriptor, &value)
    }
}
