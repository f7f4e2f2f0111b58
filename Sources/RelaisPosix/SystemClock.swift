#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import RelaisCore

/// `TimeSource` over `CLOCK_MONOTONIC` and `CLOCK_REALTIME`.
///
/// `clock_gettime` is served by the vDSO on Linux, so reading it per event is cheap (tens of nanoseconds).
public struct SystemClock: TimeSource {
    public init() {}

    /// The corresponding C function is `clock_gettime(CLOCK_MONOTONIC)`.
    public func now() -> MonotonicTime {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicTime(nanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }

    /// Blocks the calling thread for about `nanoseconds` (`nanosleep`; an EINTR just makes the pause shorter).
    public func sleep(nanoseconds: Int64) {
        var pause = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        _ = nanosleep(&pause, nil)
    }

    /// The corresponding C function is `clock_gettime(CLOCK_REALTIME)`.
    public func wallClockMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
