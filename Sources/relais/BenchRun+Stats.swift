import RelaisCore
import RelaisPosix
import RelaisWebSocket

extension BenchRun {
    /// `connections` participants (pairs of clinicians per visit) each send a compact quality report every
    /// `interval` seconds; the server answers each with an ack. Reports/s = acks per second in the window.
    func stats(secret: String) throws -> BenchResult {
        let intervalNs = UInt64(options.interval * 1e9)
        let pairs = max(1, options.connections / 2)
        try joinPairs(secret: secret, pairs: pairs) { run, _, me in
            me.nextDueNs = run.nowNanoseconds() + UInt64.random(in: 0...intervalNs)
        } onMessage: { run, worker, me, bytes in
            if bytes.starts(with: Array(#"{"type":"ack""#.utf8)) {
                worker.receivedTotal += 1
                if worker.measuring { worker.completed += 1 }
            } else if bytes.starts(with: Array(#"{"type":"error""#.utf8)) {
                worker.errors += 1
            }
            _ = (run, me)
        } onTick: { run, worker, participants in
            guard worker.running else { return }
            let now = run.nowNanoseconds()
            for p in participants where p.ready && p.nextDueNs <= now {
                p.reports += 1
                if let client = p.client, client.isOpen {
                    client.send(text: BenchRun.compactReport(sequence: p.reports, intervalSeconds: run.options.interval))
                    worker.sentTotal += 1
                }
                p.nextDueNs += intervalNs
            }
        }
        var r = result("stats", measure(), unit: "report")
        r.add("participants", Double(pairs * 2))
        r.add("interval_s", options.interval)
        r.add("offered_reports_per_s", Double(pairs * 2) / options.interval)
        return r
    }

    /// A realistic compact report (docs/quality.md §1.1): audio and video inbound, counters advancing.
    static func compactReport(sequence n: Int, intervalSeconds: Double) -> [UInt8] {
        let t = Double(n) * intervalSeconds
        let audioPackets = Int(t * 50), videoPackets = Int(t * 90), frames = Int(t * 30)
        let json = #"{"type":"stats","rid":"s","report":{"v":1,"timestamp":\#(1_700_000_000_000 + Int(t * 1000)),"roundTripTime":0.03,"#
            + #""streams":[{"id":"a1","kind":"audio","dir":"in","codec":"opus","fec":true,"packetsReceived":\#(audioPackets),"#
            + #""packetsLost":\#(audioPackets / 200),"bytesReceived":\#(audioPackets * 90),"jitter":0.004,"roundTripTime":0.03},"#
            + #"{"id":"v1","kind":"video","dir":"in","codec":"vp8","packetsReceived":\#(videoPackets),"packetsLost":0,"#
            + #""bytesReceived":\#(videoPackets * 1100),"jitter":0.006,"framesDecoded":\#(frames),"framesDropped":0,"#
            + #""freezeCount":0,"totalFreezesDuration":0,"frameWidth":1280,"frameHeight":720,"framesPerSecond":30}]}}"#
        return Array(json.utf8)
    }
}
