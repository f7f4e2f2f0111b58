#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CRelaisLinux
import RelaisCore
import Synchronization

/// One epoll event loop on one thread: descriptors, timers and a cross-thread task inbox.
///
/// Everything but `execute(_:)`, `stop()` and `inEventLoop` must be called on the loop's own thread; that is
/// what lets connections, rooms and quality shards owned by a loop go without locks. Other threads reach a loop
/// only through its inbox (a mutex-protected array) and an eventfd doorbell.
///
/// `@unchecked Sendable`: the type is shared across threads only so other threads can call the three members
/// above, which synchronise through `inbox` (a `Mutex`) and `stopped` (an `Atomic`); the rest is confined to
/// the loop thread and checked with `assertInEventLoop()` in debug builds.
public final class EventLoop: @unchecked Sendable {
    /// Position of this loop in its group (0-based), used to name threads and shard state.
    public let index: Int
    public let clock: SystemClock = SystemClock()

    private let epoll: Epoll
    private let doorbell: EventFD
    private let inbox = Mutex<[@Sendable () -> Void]>([])
    private let stopped = Atomic<Bool>(false)
    private let threadID = Mutex<pthread_t?>(nil)

    private var registrations: [CInt: (generation: UInt32, handler: any IOHandler)] = [:]
    private var nextGeneration: UInt32 = 1
    private var timers = TimerQueue()
    private var thread: pthread_t?

    /// Token reserved for the doorbell (generation 0 is never handed out to registrations).
    private static let doorbellToken: UInt64 = 0xFFFF_FFFF

    /// When wake-ups with I/O come closer together than this, pause this long before collecting the next batch
    /// (0 = never).
    ///
    /// Why: at signalling rates each message otherwise costs its own epoll wake-up (a context switch and, on a
    /// VM, an inter-processor interrupt), which dominates the per-message CPU once parsing is cheap. Pausing a
    /// fraction of a millisecond lets the next epoll_wait return many ready sockets at once. The pause is only
    /// taken when the previous wake-up was less than one interval ago: at low rates (a wake-up per message anyway)
    /// a pause would add a timer wake-up instead of saving one. The first message after a quiet period is handled
    /// at once; later ones wait at most one interval.
    let coalescing: Int64
    private var lastBusyWake: UInt64 = 0

    public init(index: Int = 0, coalescingNanoseconds: Int64 = 0) throws(Errno) {
        self.index = index
        coalescing = max(0, coalescingNanoseconds)
        epoll = try Epoll()
        doorbell = try EventFD()
        try epoll.add(doorbell.descriptor, events: .readable, token: Self.doorbellToken)
    }

    // MARK: Descriptors

    /// Starts delivering readiness of `fd` to `handler`. The loop keeps a strong reference until `deregister`.
    public func register(fd: CInt, events: EpollEvents, handler: any IOHandler) throws(Errno) {
        assertInEventLoop()
        let generation = nextGeneration
        nextGeneration = nextGeneration == UInt32.max ? 1 : nextGeneration + 1
        try epoll.add(fd, events: events, token: Self.token(fd, generation))
        registrations[fd] = (generation, handler)
    }

    /// Changes the interest set (for example adding `.writable` only while output is pending).
    public func modify(fd: CInt, events: EpollEvents) throws(Errno) {
        assertInEventLoop()
        guard let registration = registrations[fd] else { return }
        try epoll.modify(fd, events: events, token: Self.token(fd, registration.generation))
    }

    /// Stops delivering events for `fd` and drops the handler reference. Call before closing the descriptor.
    public func deregister(fd: CInt) {
        assertInEventLoop()
        guard registrations.removeValue(forKey: fd) != nil else { return }
        epoll.delete(fd)
    }

    /// Number of registered descriptors (connections and listeners).
    public var registeredCount: Int { registrations.count }

    private static func token(_ fd: CInt, _ generation: UInt32) -> UInt64 {
        UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    // MARK: Timers

    /// Runs `callback` on this loop at `deadline` unless cancelled first.
    @discardableResult
    public func scheduleTimer(at deadline: MonotonicTime, _ callback: @escaping () -> Void) -> TimerID {
        assertInEventLoop()
        return timers.schedule(at: deadline, callback)
    }

    /// Runs `callback` on this loop after `delay` unless cancelled first.
    @discardableResult
    public func scheduleTimer(after delay: Duration, _ callback: @escaping () -> Void) -> TimerID {
        scheduleTimer(at: clock.now() + delay, callback)
    }

    public func cancelTimer(_ id: TimerID) {
        assertInEventLoop()
        timers.cancel(id)
    }

    // MARK: Cross-thread

    /// Queues `task` to run on this loop's thread. Safe from any thread; wakes the loop.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty = inbox.withLock { queue in
            queue.append(task)
            return queue.count == 1
        }
        // One doorbell ring per batch: if the inbox was non-empty, a ring is already pending.
        if wasEmpty || !inEventLoop { doorbell.signal() }
    }

    /// True when called on this loop's thread.
    public var inEventLoop: Bool {
        threadID.withLock { id in id.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    @inline(__always)
    public func assertInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inEventLoop, "called off the event loop thread", file: file, line: line)
    }

    /// Asks the loop to return from `run()` after the current iteration. Safe from any thread.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        doorbell.signal()
    }
}

extension EventLoop {
    /// Runs the loop on the calling thread until `stop()`.
    public func run() {
        threadID.withLock { $0 = pthread_self() }
        let capacity = 512
        let events = UnsafeMutableBufferPointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while !stopped.load(ordering: .acquiring) {
            let count = epoll.wait(into: events, timeoutMilliseconds: waitTimeout())
            if coalescing > 0 && count > 0 {
                // Measured from the end of the last pause, so a steady load keeps pausing on every wake-up.
                let now = clock.now().nanoseconds
                if now &- lastBusyWake < UInt64(coalescing) {
                    clock.sleep(nanoseconds: coalescing)
                    lastBusyWake = clock.now().nanoseconds
                } else {
                    lastBusyWake = now
                }
            }
            for i in 0..<count {
                let event = events[i]
                let token = event.data.u64
                if token == Self.doorbellToken {
                    doorbell.drain()
                    continue
                }
                let fd = CInt(bitPattern: UInt32(truncatingIfNeeded: token))
                let generation = UInt32(truncatingIfNeeded: token >> 32)
                // A handler earlier in this batch may have closed fd and another may have reused it.
                guard let registration = registrations[fd], registration.generation == generation else { continue }
                registration.handler.handle(events: EpollEvents(rawValue: event.events))
            }
            runDueTimers()
            runInbox()
        }
        // Run what was queued before the stop so no cross-loop delivery is silently dropped.
        runInbox()
    }

    /// Milliseconds until the next timer, rounded up so we never wake before it is due; -1 without timers.
    private func waitTimeout() -> CInt {
        if inbox.withLock({ !$0.isEmpty }) { return 0 }
        guard let deadline = timers.nextDeadline() else { return -1 }
        let now = clock.now()
        if deadline <= now { return 0 }
        let ns = deadline.nanoseconds - now.nanoseconds
        return CInt(min((ns + 999_999) / 1_000_000, 60_000))
    }

    private func runDueTimers() {
        if timers.isEmpty { return }
        for callback in timers.popDue(now: clock.now()) { callback() }
    }

    private func runInbox() {
        let tasks = inbox.withLock { queue -> [@Sendable () -> Void] in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
        for task in tasks { task() }
    }

    /// Starts `run()` on a new thread named `relais-loop-N`.
    public func startThread() {
        let box = Unmanaged.passRetained(self)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        var tid = pthread_t()
        let rc = pthread_create(&tid, &attributes, { raw in
            let loop = Unmanaged<EventLoop>.fromOpaque(raw!).takeRetainedValue()
            let name = "relais-loop-\(loop.index)"
            _ = pthread_setname_np(pthread_self(), String(name.prefix(15)))
            loop.run()
            return nil
        }, box.toOpaque())
        pthread_attr_destroy(&attributes)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        thread = tid
        threadID.withLock { $0 = tid }
    }

    /// Waits for the loop thread started by `startThread()` to finish.
    public func joinThread() {
        guard let tid = thread else { return }
        pthread_join(tid, nil)
        thread = nil
    }
}
