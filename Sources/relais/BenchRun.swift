import Histogram
import RelaisCore
import RelaisPosix
import RelaisSignalling
import RelaisTLS
import RelaisWebSocket
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One loop's share of a bench run. Touched only on its loop.
final class BenchWorker {
    let loop: EventLoop
    var clients: [LoopWebSocketClient] = []
    var running = true
    var measuring = false
    var opened = 0
    var joined = 0
    var completed = 0
    /// Whole-run counts (warm-up included) for loss accounting: every message sent must come back.
    var sentTotal = 0
    var receivedTotal = 0
    var errors = 0
    var closedEarly = 0
    var latencies = BenchRun.histogram()
    var onTick: (() -> Void)?

    init(loop: EventLoop) { self.loop = loop }

    /// Records one latency in nanoseconds (clamped into the histogram's range: an outlier is kept, not dropped).
    func recordLatency(_ ns: UInt64) {
        _ = latencies.record(min(max(ns, 100), 600_000_000_000))
    }

    func resetCounters() {
        completed = 0
        errors = 0
        latencies.reset()
    }
}

/// Snapshot of a worker's counters, carried back to the coordinating thread.
struct WorkerTotals: Sendable {
    var opened = 0, joined = 0, completed = 0, errors = 0, closedEarly = 0, sent = 0, received = 0
    var latencies = BenchRun.histogram()
}

final class BenchRun: @unchecked Sendable {
    // @unchecked: `options` is a value copied in; workers are LoopBound and only touched on their loops.
    let group: EventLoopGroup
    let address: SocketAddress
    let options: Bench
    let workers: [LoopBound<BenchWorker>]
    let clock = SystemClock()
    /// With --tls every scenario connects over TLS (wss) through the same memory-BIO engine as the server.
    let tls: TLSContext?
    let serverName: String?

    init(group: EventLoopGroup, address: SocketAddress, options: Bench, tls: TLSContext?) {
        self.group = group
        self.address = address
        self.options = options
        self.tls = tls
        serverName = tls == nil ? nil : options.serverName
        workers = group.loops.map { LoopBound(BenchWorker(loop: $0), on: $0) }
    }

    /// Latencies in nanoseconds, 100 ns to 10 min, 3 significant digits (±0.1 %): one fixed-size histogram per
    /// loop, merged at the end, so a long run at 100k msg/s costs no memory growth and no sort.
    static func histogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 100, highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
    }

    /// A client for `path` on `worker`'s loop, over TLS when the run has --tls. Call on that loop.
    func client(on worker: BenchWorker, path: String, seed: UInt64,
                _ onEvent: @escaping (LoopWebSocketClient, LoopWebSocketClient.Event) -> Void) -> LoopWebSocketClient {
        LoopWebSocketClient(loop: worker.loop, address: address, path: path, maskSeed: seed, tls: tls,
                            serverName: serverName, onEvent: onEvent)
    }

    /// Runs `body` on every worker's loop and waits for all of them.
    func onAll(_ body: @escaping @Sendable (BenchWorker) -> Void) {
        let done = Atomic<Int>(0)
        for w in workers { w.loop.execute { body(w.value); done.add(1, ordering: .relaxed) } }
        while done.load(ordering: .relaxed) < workers.count { usleep(500) }
    }

    func totals() -> WorkerTotals {
        let collected = Mutex<WorkerTotals>(WorkerTotals())
        onAll { w in
            collected.withLock { t in
                t.opened += w.opened; t.joined += w.joined; t.completed += w.completed; t.errors += w.errors
                t.sent += w.sentTotal; t.received += w.receivedTotal
                t.closedEarly += w.closedEarly
                t.latencies.add(w.latencies)
            }
        }
        return collected.withLock { $0 }
    }

    /// Waits until `condition(totals)` or the timeout.
    func waitFor(seconds: Double, _ condition: (WorkerTotals) -> Bool) -> WorkerTotals {
        let deadline = clock.now() + .milliseconds(Int64(seconds * 1000))
        var t = totals()
        while !condition(t) && clock.now() < deadline {
            usleep(20_000)
            t = totals()
        }
        return t
    }

    /// Warm-up, then a measured window (progress on stderr when it is a terminal), then senders stop and what
    /// is in flight drains (up to 3 s) so `sent − received` counts real losses.
    /// Returns (totals, seconds, server CPU seconds in the window, generator CPU seconds in the window).
    func measure() -> (WorkerTotals, Double, Double?, Double?) {
        usleep(UInt32(options.warmup * 1_000_000))
        onAll { w in w.resetCounters(); w.measuring = true }
        let cpu0 = options.serverPID.flatMap(ProcessUsage.cpuSeconds)
        let self0 = ProcessUsage.cpuSeconds(pid: getpid())
        let t0 = clock.now()
        let end = t0 + .milliseconds(Int64(options.duration * 1000))
        var lastCompleted = 0
        while clock.now() < end {
            let step = min(1.0, Double(end.since(clock.now()).nanosecondsClamped) / 1e9)
            usleep(UInt32(step * 1_000_000))
            if isatty(2) != 0 {
                let done = totals().completed
                log("… \(Int(Double(done - lastCompleted) / max(step, 0.001)))/s")
                lastCompleted = done
            }
        }
        onAll { w in w.measuring = false }
        let elapsed = Double(clock.now().since(t0).nanosecondsClamped) / 1e9
        let cpu1 = options.serverPID.flatMap(ProcessUsage.cpuSeconds)
        let self1 = ProcessUsage.cpuSeconds(pid: getpid())
        let measured = totals()
        onAll { w in w.running = false }
        let drained = waitFor(seconds: 3) { $0.received >= $0.sent }
        onAll { w in for c in w.clients { c.close() } }
        var t = measured
        t.sent = drained.sent
        t.received = drained.received
        let cpu = (cpu0 != nil && cpu1 != nil) ? cpu1! - cpu0! : nil
        let own = (self0 != nil && self1 != nil) ? self1! - self0! : nil
        return (t, elapsed, cpu, own)
    }

    /// Common result fields: rate, latency percentiles, server CPU.
    func result(_ name: String, _ measured: (WorkerTotals, Double, Double?, Double?), unit: String) -> BenchResult {
        let (t, seconds, cpu, own) = measured
        var r = BenchResult(scenario: name)
        let rate = Double(t.completed) / seconds
        r.add("\(unit)_per_s", rate)
        r.add("\(unit)s", Double(t.completed))
        let micro = { (p: Double) in t.latencies.totalCount == 0 ? 0 : Double(t.latencies.valueAtPercentile(p)) / 1000 }
        r.add("latency_p50_us", micro(50))
        r.add("latency_p99_us", micro(99))
        r.add("latency_p999_us", micro(99.9))
        r.add("latency_max_us", t.latencies.totalCount == 0 ? 0 : Double(t.latencies.max) / 1000)
        r.add("errors", Double(t.errors))
        r.add("closed_early", Double(t.closedEarly))
        r.add("sent", Double(t.sent))
        r.add("received", Double(t.received))
        r.add("lost", Double(max(0, t.sent - t.received)))
        if let cpu {
            r.add("server_cpu_pct", cpu / seconds * 100)
            if t.completed > 0 { r.add("server_cpu_us_per_\(unit)", cpu / Double(t.completed) * 1e6) }
        }
        if let own {
            // A generator near a full core measures itself, not the server: say so.
            let pct = own / seconds * 100 / Double(workers.count)
            r.add("generator_cpu_pct_per_loop", pct)
            r.notes.append(("generator_saturated", pct > 90 ? "yes" : "no"))
            if pct > 90 { log("warning: the generator used \(Int(pct))% of its loops' CPU: it may be the bottleneck (add --loops)") }
        }
        r.add("seconds", seconds)
        r.notes.append(("transport", tls == nil ? "tcp" : "tls"))
        return r
    }

    func nowNanoseconds() -> UInt64 { clock.now().nanoseconds }

    /// A 20-digit send timestamp, zero-padded, so receivers can read it at a fixed offset.
    static func stamp(_ ns: UInt64) -> [UInt8] {
        let digits = Array(String(ns).utf8)
        return [UInt8](repeating: UInt8(ascii: "0"), count: max(0, 20 - digits.count)) + digits
    }

    /// Reads a 20-digit stamp at `offset`.
    static func readStamp(_ bytes: [UInt8], at offset: Int) -> UInt64? {
        guard bytes.count >= offset + 20 else { return nil }
        var v: UInt64 = 0
        for i in offset..<(offset + 20) {
            let d = bytes[i] &- 0x30
            guard d < 10 else { return nil }
            v = v &* 10 &+ UInt64(d)
        }
        return v
    }
}


/// Finds `needle` in `haystack` (small messages).
func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    outer: for i in 0...(haystack.count - needle.count) {
        for j in 0..<needle.count where haystack[i + j] != needle[j] { continue outer }
        return i
    }
    return nil
}
