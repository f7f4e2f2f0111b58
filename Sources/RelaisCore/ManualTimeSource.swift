import Synchronization

/// A `TimeSource` that moves only when told to. Tests use it to drive deadlines deterministically.
public final class ManualTimeSource: TimeSource {
    private let state: Mutex<(mono: UInt64, wall: Int64)>

    public init(startNanoseconds: UInt64 = 1_000_000_000, wallClockMilliseconds: Int64 = 1_700_000_000_000) {
        state = Mutex((startNanoseconds, wallClockMilliseconds))
    }

    public func now() -> MonotonicTime { MonotonicTime(nanoseconds: state.withLock { $0.mono }) }

    public func wallClockMilliseconds() -> Int64 { state.withLock { $0.wall } }

    /// Moves both clocks forward by `duration`.
    public func advance(by duration: Duration) {
        let ns = duration.nanosecondsClamped
        state.withLock {
            $0.mono &+= ns
            $0.wall &+= Int64(ns / 1_000_000)
        }
    }
}
