import Synchronization

/// A fixed set of event loops, one thread each (one per core by default).
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let roundRobin = Atomic<Int>(0)

    /// Creates `count` loops; threads start with `start()`.
    public init(count: Int, coalescingNanoseconds: Int64 = 0) throws(Errno) {
        precondition(count >= 1, "an event loop group needs at least one loop")
        var loops: [EventLoop] = []
        for i in 0..<count { loops.append(try EventLoop(index: i, coalescingNanoseconds: coalescingNanoseconds)) }
        self.loops = loops
    }

    /// The number of online CPUs, the default loop count.
    public static var defaultLoopCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    public func start() {
        for loop in loops { loop.startThread() }
    }

    /// The next loop in round-robin order (for client connections and accept hand-off).
    public func next() -> EventLoop {
        let i = roundRobin.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[i % loops.count]
    }

    /// Stops every loop and waits for the threads.
    public func stopAndJoin() {
        for loop in loops { loop.stop() }
        for loop in loops { loop.joinThread() }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
