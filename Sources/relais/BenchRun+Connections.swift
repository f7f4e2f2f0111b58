import RelaisCore
import RelaisPosix
import RelaisWebSocket

#if canImport(Glibc)
import Glibc
#endif

extension BenchRun {
    /// Opens `connections` idle WebSockets (at most 64 handshakes in flight), holds them, then checks each with one
    /// echo. Reports the connect rate and, with --server-pid, the server's resident memory per connection.
    func connections() throws -> BenchResult {
        let total = options.connections
        let rssBefore = options.serverPID.flatMap(ProcessUsage.residentKiB)
        let t0 = clock.now()
        let perLoop = distribute(total)
        let run = self
        for (index, w) in workers.enumerated() {
            let count = perLoop[index]
            w.loop.execute {
                let worker = w.value
                var started = 0
                func startNext() {
                    guard started < count, worker.running else { return }
                    started += 1
                    let client = run.client(on: worker, path: "/v1/echo", seed: UInt64(index * 1_000_000 + started)) { _, event in
                        switch event {
                        case .open:
                            worker.opened += 1
                            startNext()
                        case .message(.text):
                            worker.completed += 1
                        case .closed(let error):
                            if worker.running { worker.closedEarly += 1; startNext() }
                            if error != nil { worker.errors += 1 }
                        default:
                            break
                        }
                    }
                    worker.clients.append(client)
                    client.start()
                }
                for _ in 0..<min(64 / max(1, self.workers.count) + 1, count) { startNext() }
            }
        }
        let opened = waitFor(seconds: 120) { $0.opened + $0.closedEarly >= total }
        let rampSeconds = Double(clock.now().since(t0).nanosecondsClamped) / 1e9
        usleep(UInt32(options.hold * 1_000_000))
        let rssAfter = options.serverPID.flatMap(ProcessUsage.residentKiB)
        onAll { w in for c in w.clients where c.isOpen { c.send(text: Array("alive".utf8)) } }
        let checked = waitFor(seconds: 20) { $0.completed >= opened.opened }
        onAll { w in
            w.running = false
            for c in w.clients { c.close() }
        }
        var r = BenchResult(scenario: "connections")
        r.add("connections", Double(total))
        r.add("opened", Double(opened.opened))
        r.add("alive_after_hold", Double(checked.completed))
        r.add("connect_per_s", Double(opened.opened) / max(rampSeconds, 1e-6))
        r.add("errors", Double(checked.errors))
        if let before = rssBefore, let after = rssAfter, opened.opened > 0 {
            r.add("server_rss_mib", after / 1024)
            r.add("server_kib_per_connection", (after - before) / Double(opened.opened))
        }
        return r
    }
}
