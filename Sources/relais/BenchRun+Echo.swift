import RelaisCore
import RelaisPosix
import RelaisWebSocket

extension BenchRun {
    /// Closed loop: each connection keeps `inFlight` echo requests outstanding.
    func echo() throws -> BenchResult {
        let perLoop = distribute(options.connections)
        let size = max(24, options.size)
        let inFlight = options.inFlight
        let run = self
        for (index, w) in workers.enumerated() {
            let count = perLoop[index]
            w.loop.execute {
                let worker = w.value
                for i in 0..<count {
                    let client = run.client(on: worker, path: "/v1/echo", seed: UInt64(index * 100_000 + i + 1)) { client, event in
                        switch event {
                        case .open:
                            worker.opened += 1
                            for _ in 0..<inFlight { client.send(text: run.echoPayload(size)); worker.sentTotal += 1 }
                        case .message(.text(let bytes)):
                            worker.receivedTotal += 1
                            if worker.measuring, let sent = BenchRun.readStamp(bytes, at: 0) {
                                worker.completed += 1
                                worker.recordLatency(run.nowNanoseconds() &- sent)
                            }
                            if worker.running { client.send(text: run.echoPayload(size)); worker.sentTotal += 1 }
                        case .closed(let error):
                            if worker.running { worker.closedEarly += 1 }
                            if error != nil { worker.errors += 1 }
                        default:
                            break
                        }
                    }
                    worker.clients.append(client)
                    client.start()
                }
            }
        }
        let ready = waitFor(seconds: 30) { $0.opened + $0.closedEarly >= options.connections }
        guard ready.opened == options.connections else {
            throw BenchError("only \(ready.opened) of \(options.connections) echo connections opened")
        }
        var r = result("echo", measure(), unit: "msg")
        r.add("connections", Double(options.connections))
        r.add("in_flight", Double(inFlight))
        r.add("size", Double(size))
        return r
    }

    func echoPayload(_ size: Int) -> [UInt8] {
        var payload = BenchRun.stamp(nowNanoseconds())
        payload.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: size - payload.count))
        return payload
    }

    /// Splits `n` items over the loops as evenly as possible.
    func distribute(_ n: Int) -> [Int] {
        let k = workers.count
        return (0..<k).map { n / k + ($0 < n % k ? 1 : 0) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
