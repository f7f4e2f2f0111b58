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

    /// With coalescing, a burst that arrives while the loop pauses is read in one later wake-up: fewer wake-ups,
    /// nothing lost. (Without coalescing the count of wake-ups depends on scheduling, so only this side is checked.)
    @Test func aCoalescingLoopReadsABurstInFewWakeUpsAndLosesNothing() throws {
        var fds: [CInt] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds) == 0)
        let readFD = fds[0]
        let writeFD = fds[1]
        defer { close(writeFD) }
        let reader = Socket(taking: readFD)
        let loop = try EventLoop(coalescingNanoseconds: 50_000_000)  // 50 ms: far longer than the burst takes
        loop.startThread()
        let counter = ReadCounter(socket: reader)
        let registered = Atomic<Bool>(false)
        loop.execute {
            try? loop.register(fd: readFD, events: .readable, handler: counter)
            registered.store(true, ordering: .releasing)
        }
        while !registered.load(ordering: .acquiring) { usleep(1000) }
        var one: UInt8 = 1
        for _ in 0..<10 {
            #expect(write(writeFD, &one, 1) == 1)
            usleep(1000)
        }
        let clock = SystemClock()
        let deadline = clock.now() + .seconds(5)
        while counter.bytes.load(ordering: .acquiring) < 10 && clock.now() < deadline { usleep(1000) }
        loop.execute { loop.deregister(fd: readFD) }
        loop.stop()
        loop.joinThread()
        #expect(counter.bytes.load(ordering: .acquiring) == 10)
        #expect(counter.wakeUps.load(ordering: .acquiring) <= 3, "the burst should be gathered while the loop pauses")
    }
}

/// Counts read events and bytes on one socket (touched on the loop thread; read by the test through atomics).
private final class ReadCounter: IOHandler, @unchecked Sendable {
    let socket: Socket
    let bytes = Atomic<Int>(0)
    let wakeUps = Atomic<Int>(0)
    init(socket: consuming Socket) { self.socket = socket }
    func handle(events: EpollEvents) {
        wakeUps.add(1, ordering: .relaxed)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        if case .processed(let n)? = try? socket.read(into: buffer) { bytes.add(n, ordering: .releasing) }
    }
}
