import RelaisCore
import RelaisPosix
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct EventLoopTests {
    /// Runs `body` on a fresh loop thread and waits for `done` to be called.
    private func onLoop(_ body: @escaping @Sendable (EventLoop, @escaping @Sendable () -> Void) -> Void) throws {
        let loop = try EventLoop()
        loop.startThread()
        let finished = Atomic<Bool>(false)
        loop.execute { body(loop) { finished.store(true, ordering: .releasing) } }
        let clock = SystemClock()
        let deadline = clock.now() + .seconds(5)
        while !finished.load(ordering: .acquiring) && clock.now() < deadline { usleep(1000) }
        loop.stop()
        loop.joinThread()
        let completed = finished.load(ordering: .acquiring)
        #expect(completed)
    }

    @Test func timersFireInDeadlineOrderAndCancelledOnesDoNot() throws {
        let order = Mutex<[Int]>([])
        try onLoop { loop, done in
            let now = loop.clock.now()
            loop.scheduleTimer(at: now + .milliseconds(30)) { order.withLock { $0.append(3) }; done() }
            loop.scheduleTimer(at: now + .milliseconds(10)) { order.withLock { $0.append(1) } }
            let cancelled = loop.scheduleTimer(at: now + .milliseconds(15)) { order.withLock { $0.append(99) } }
            loop.scheduleTimer(at: now + .milliseconds(20)) { order.withLock { $0.append(2) } }
            loop.cancelTimer(cancelled)
        }
        #expect(order.withLock { $0 } == [1, 2, 3])
    }

    @Test func tasksFromOtherThreadsRunOnTheLoopInOrder() throws {
        let loop = try EventLoop()
        loop.startThread()
        let seen = Mutex<[Int]>([])
        let onLoop = Atomic<Int>(0)
        for i in 0..<1000 {
            loop.execute {
                if loop.inEventLoop { onLoop.add(1, ordering: .relaxed) }
                seen.withLock { $0.append(i) }
            }
        }
        let clock = SystemClock()
        let deadline = clock.now() + .seconds(5)
        while seen.withLock({ $0.count }) < 1000 && clock.now() < deadline { usleep(1000) }
        loop.stop()
        loop.joinThread()
        #expect(seen.withLock { $0 } == Array(0..<1000))
        #expect(onLoop.load(ordering: .relaxed) == 1000)
    }

    @Test func groupStartsAndStopsEveryLoop() throws {
        let group = try EventLoopGroup(count: 3)
        group.start()
        let ran = Atomic<Int>(0)
        for loop in group.loops { loop.execute { ran.add(1, ordering: .relaxed) } }
        let clock = SystemClock()
        let deadline = clock.now() + .seconds(5)
        while ran.load(ordering: .relaxed) < 3 && clock.now() < deadline { usleep(1000) }
        group.stopAndJoin()
        #expect(ran.load(ordering: .relaxed) == 3)
        #expect(Set(group.loops.map(\.index)) == [0, 1, 2])
    }
}
