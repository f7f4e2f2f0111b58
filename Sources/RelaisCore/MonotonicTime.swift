/// A point on a monotonic clock, in nanoseconds since an arbitrary origin.
///
/// Deadlines (join, handshake, idle, close) are compared in this unit so state machines can be driven by a
/// manual clock in tests and by `CLOCK_MONOTONIC` in production (see `RelaisPosix.SystemClock`).
public struct MonotonicTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: MonotonicTime, rhs: Duration) -> MonotonicTime {
        MonotonicTime(nanoseconds: lhs.nanoseconds &+ rhs.nanosecondsClamped)
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later.
    public func since(_ earlier: MonotonicTime) -> Duration {
        nanoseconds >= earlier.nanoseconds ? .nanoseconds(Int64(nanoseconds - earlier.nanoseconds)) : .zero
    }

    public var description: String { "\(nanoseconds)ns" }
}

extension Duration {
    /// Whole nanoseconds, clamped to `0...UInt64.max` (negative durations count as zero).
    public var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (ns, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return ns &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// Whole milliseconds, clamped at zero.
    public var millisecondsClamped: UInt64 { nanosecondsClamped / 1_000_000 }
}

/// Source of monotonic and wall-clock time. Lower layers read time only through this, so tests can drive it.
public protocol TimeSource: Sendable {
    /// Monotonic time, for deadlines.
    func now() -> MonotonicTime
    /// Wall-clock milliseconds since the Unix epoch, for timestamps shown to people (`serverTime`).
    func wallClockMilliseconds() -> Int64
}
