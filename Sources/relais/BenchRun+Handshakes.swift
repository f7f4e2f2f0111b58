import RelaisCore
import RelaisPosix
import RelaisTLS
import RelaisWebSocket

extension BenchRun {
    /// Keeps `connections` handshakes in flight: each client connects (TCP, then TLS with --tls), upgrades to a
    /// WebSocket on /v1/echo, closes, and its slot starts the next one. Reports completed handshakes per second
    /// and the connect-to-open latency; with --server-pid, the server's CPU per handshake. This is the cost a
    /// clinic pays when every browser of a waiting room reconnects at once after a network blip.
    func handshakes() throws -> BenchResult {
        let perLoop = distribute(options.connections)
        let run = self
        for (index, w) in workers.enumerated() {
            let slots = perLoop[index]
            w.loop.execute {
                let worker = w.value
                var serial = 0
                worker.clients.reserveCapacity(slots)
                func start(slot: Int) {
                    guard worker.running else { return }
                    serial += 1
                    let began = run.nowNanoseconds()
                    var opened = false
                    let client = run.client(on: worker, path: "/v1/echo", seed: UInt64(index * 1_000_000_000 + serial)) { client, event in
                        switch event {
                        case .open:
                            opened = true
                            worker.opened += 1
                            if worker.measuring {
                                worker.completed += 1
                                worker.recordLatency(run.nowNanoseconds() &- began)
                            }
                            client.close()
                        case .closed(let error):
                            if !opened || error != nil { worker.errors += 1 }
                            start(slot: slot)
                        default:
                            break
                        }
                    }
                    if slot < worker.clients.count { worker.clients[slot] = client } else { worker.clients.append(client) }
                    client.start()
                }
                for slot in 0..<slots { start(slot: slot) }
            }
        }
        return result("handshakes", measure(), unit: "handshake")
    }
}
