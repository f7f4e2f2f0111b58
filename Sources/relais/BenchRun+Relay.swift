import RelaisCore
import RelaisPosix
import RelaisSignalling
import RelaisWebSocket

#if canImport(Glibc)
import Glibc
#endif

/// A participant of a bench visit: its client, its peer's id, whether it may send.
final class BenchParticipant {
    let id: String
    let peer: String
    var client: LoopWebSocketClient?
    /// The other side of the visit (same loop): its deliveries to us pace our window in max mode.
    weak var partner: BenchParticipant?
    var joined = false
    /// Both sides joined: this participant may send (to a peer that is really in the visit).
    var ready = false
    var inFlight = 0
    var nextDueNs: UInt64 = 0
    var reports = 0

    init(id: String, peer: String) {
        self.id = id
        self.peer = peer
    }
}

extension BenchRun {
    /// Pairs of clinicians (never in the lobby) per visit; each side relays `candidate` messages to the other.
    func relay(secret: String) throws -> BenchResult {
        let size = max(160, options.size)
        let maxMode = options.rate <= 0
        let perSenderInterval: UInt64 = maxMode ? 0 : UInt64(Double(options.pairs * 2) / options.rate * 1e9)
        try joinPairs(secret: secret, pairs: options.pairs) { run, worker, me in
            // Called when `me` may start sending (both sides joined).
            if maxMode {
                for _ in 0..<run.options.inFlight { run.sendCandidate(me, size: size, worker: worker); me.inFlight += 1 }
            } else {
                me.nextDueNs = run.nowNanoseconds() + UInt64.random(in: 0...max(1, perSenderInterval))
            }
        } onMessage: { run, worker, me, bytes in
            if bytes.starts(with: Array(#"{"type":"candidate""#.utf8)) {
                worker.receivedTotal += 1
                if worker.measuring, let at = firstIndex(of: Array(#"{"candidate":""#.utf8), in: bytes),
                   let sent = BenchRun.readStamp(bytes, at: at + 14) {
                    worker.completed += 1
                    worker.recordLatency(run.nowNanoseconds() &- sent)
                }
                // Max mode: a delivery frees a slot of the sender's window (both sides live on this loop), as
                // wsload paces its relay_max; no `rid`, so the server does exactly the relay work.
                if maxMode, let sender = me.partner {
                    sender.inFlight -= 1
                    if worker.running { run.sendCandidate(sender, size: size, worker: worker); sender.inFlight += 1 }
                }
            } else if bytes.starts(with: Array(#"{"type":"error""#.utf8)) {
                worker.errors += 1
            }
        } onTick: { run, worker, participants in
            guard !maxMode, worker.running else { return }
            let now = run.nowNanoseconds()
            for p in participants where p.ready && p.nextDueNs <= now {
                run.sendCandidate(p, size: size, worker: worker)
                p.nextDueNs += perSenderInterval
            }
        }
        var r = result("relay", measure(), unit: "msg")
        r.add("pairs", Double(options.pairs))
        r.add("target_rate", options.rate)
        r.add("size", Double(size))
        return r
    }

    /// A `candidate` for `p`'s peer, `size` bytes, send time inside the candidate string. No `rid`, like wsload's
    /// messages, so the server writes no ack: the same work per relayed message for both generators.
    func sendCandidate(_ p: BenchParticipant, size: Int, worker: BenchWorker) {
        let head = Array((#"{"type":"candidate","to":""# + p.peer + #"","candidate":{"candidate":""#).utf8)
        let tail = Array(#"","sdpMid":"0","sdpMLineIndex":0}}"#.utf8)
        var message = head + BenchRun.stamp(nowNanoseconds())
        let pad = max(0, size - message.count - tail.count)
        message.append(contentsOf: repeatElement(UInt8(ascii: "c"), count: pad))
        message += tail
        guard let client = p.client, client.isOpen else { return }
        client.send(text: message)
        worker.sentTotal += 1
    }

    /// Opens two clinician connections per visit, joins them, and calls `ready` for each side once both joined.
    func joinPairs(
        secret: String, pairs: Int,
        ready: @escaping @Sendable (BenchRun, BenchWorker, BenchParticipant) -> Void,
        onMessage: @escaping @Sendable (BenchRun, BenchWorker, BenchParticipant, [UInt8]) -> Void,
        onTick: @escaping @Sendable (BenchRun, BenchWorker, [BenchParticipant]) -> Void
    ) throws {
        let minter = TokenMinter(secret: secret)
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let now = Int64(time(nil))
        let perLoop = distribute(pairs)
        let run = self
        var first = 0
        for (index, w) in workers.enumerated() {
            let range = first..<(first + perLoop[index])
            first += perLoop[index]
            let tokens: [(String, String, String)] = range.flatMap { pair -> [(String, String, String)] in
                let room = "bench-\(runID)-\(pair)"
                return [("\(room)-a", "\(room)-b"), ("\(room)-b", "\(room)-a")].map { me, peer in
                    (me, peer, minter.mint(TokenClaims(subject: me, room: room, role: .clinician, expiresAt: now + 3600), issuedAt: now))
                }
            }
            w.loop.execute {
                let worker = w.value
                var participants: [BenchParticipant] = []
                var byID: [String: BenchParticipant] = [:]
                for (i, (me, peer, token)) in tokens.enumerated() {
                    let p = BenchParticipant(id: me, peer: peer)
                    participants.append(p)
                    byID[me] = p
                    let client = run.client(on: worker, path: "/v1/signal", seed: UInt64(index * 1_000_000 + i + 1)) { client, event in
                        switch event {
                        case .open:
                            worker.opened += 1
                            client.send(text: Array((#"{"type":"join","token":""# + token + #""}"#).utf8))
                        case .message(.text(let bytes)):
                            if !p.joined && bytes.starts(with: Array(#"{"type":"joined""#.utf8)) {
                                p.joined = true
                                worker.joined += 1
                                if let other = byID[p.peer], other.joined {
                                    p.partner = other
                                    other.partner = p
                                    p.ready = true
                                    other.ready = true
                                    ready(run, worker, p)
                                    ready(run, worker, other)
                                }
                            } else {
                                onMessage(run, worker, p, bytes)
                            }
                        case .closed(let error):
                            if worker.running { worker.closedEarly += 1 }
                            if error != nil { worker.errors += 1 }
                        default:
                            break
                        }
                    }
                    p.client = client
                    worker.clients.append(client)
                    client.start()
                }
                worker.onTick = { onTick(run, worker, participants) }
                func tick() {
                    worker.onTick?()
                    if worker.running { worker.loop.scheduleTimer(after: .milliseconds(2)) { tick() } }
                }
                tick()
            }
        }
        let ready = waitFor(seconds: 60) { $0.joined + $0.closedEarly >= pairs * 2 }
        guard ready.joined == pairs * 2 else {
            throw BenchError("only \(ready.joined) of \(pairs * 2) participants joined (\(ready.closedEarly) closed early)")
        }
    }
}
