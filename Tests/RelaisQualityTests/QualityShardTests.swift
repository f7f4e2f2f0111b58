// The shard API: unknown before stats, windows, LOST, rendering, fleet merge, lifecycle.
import Testing
@testable import RelaisQuality

struct QualityShardTests {
    /// A compact report with one inbound audio stream at `t` seconds, `loss` percent loss.
    static func audio(t: Int, lossPct: Double = 0, rtt: Double = 0.1, jitter: Double = 0.02,
                      transportBytes: Int? = nil, ice: String? = nil) -> [UInt8]
    {
        let received = 50 * t  // 50 packets/s
        let lost = Int((Double(received) * lossPct / (100 - lossPct)).rounded())
        var top = #"{"v":1,"timestamp":\#(t * 1000),"roundTripTime":\#(rtt)"#
        if let transportBytes { top += #","bytesReceived":\#(transportBytes)"# }
        if let ice { top += #","iceState":"\#(ice)""# }
        return Array((top + #","streams":[{"id":"a","kind":"audio","dir":"in","codec":"opus","packetsReceived":\#(received),"packetsLost":\#(lost),"bytesReceived":\#(received * 100),"jitter":\#(jitter)}]}"#).utf8)
    }

    @Test("before any stats the level is unknown")
    func unknownFirst() throws {
        let shard = QualityShard()
        #expect(shard.quality(visit: "v", participant: "p").level == .unknown)
        let r = try shard.ingest(visit: "v", participant: "p", peer: nil, report: Self.audio(t: 0), nowMs: 0)
        #expect(!r.levelChanged && r.level == .unknown && shard.ingestedQuality.level == .unknown)
    }

    @Test("a clean call scores EXCELLENT after one window; loss drops it at once")
    func scoresAndDrops() throws {
        let shard = QualityShard()
        for t in stride(from: 0, through: 10, by: 2) {
            _ = try shard.ingest(visit: "v", participant: "p", peer: nil, report: Self.audio(t: t), nowMs: Int64(t) * 1000)
        }
        var q = shard.quality(visit: "v", participant: "p")
        #expect(q.level == .excellent)
        #expect(close(q.audio?.rttMs ?? 0, 100))
        // Reference A7-like window: 5 % loss → drops out of EXCELLENT in the next window.
        var changed = false
        var t = 12
        for k in 0..<3 {
            let bytes = Self.audio(t: t + 2 * k, lossPct: 10)
            let r = try shard.ingest(visit: "v", participant: "p", peer: nil, report: bytes, nowMs: Int64(t + 2 * k) * 1000)
            changed = changed || r.levelChanged
        }
        t += 6
        changed = shard.tick(nowMs: Int64(t + 5) * 1000).isEmpty == false || changed
        q = shard.quality(visit: "v", participant: "p")
        #expect(changed)
        #expect(q.level < .excellent)
        #expect(q.limitedBy == .loss)
    }

    @Test("no reports for two windows after scoring → LOST; ICE failure → LOST at once")
    func lost() throws {
        let shard = QualityShard()
        for t in stride(from: 0, through: 10, by: 2) {
            _ = try shard.ingest(visit: "v", participant: "p", peer: nil, report: Self.audio(t: t), nowMs: Int64(t) * 1000)
        }
        _ = shard.tick(nowMs: 15_000)
        #expect(shard.quality(visit: "v", participant: "p").level == .excellent)
        let changes = shard.tick(nowMs: 30_000)
        #expect(changes.first?.quality.level == .lost)

        let s2 = QualityShard()
        _ = try s2.ingest(visit: "v", participant: "p", peer: nil, report: Self.audio(t: 0), nowMs: 0)
        _ = try s2.ingest(visit: "v", participant: "p", peer: nil, report: Self.audio(t: 2, ice: "failed"), nowMs: 2000)
        _ = s2.tick(nowMs: 5000)
        #expect(s2.quality(visit: "v", participant: "p").level == .lost)
    }

    @Test("a rejected report changes nothing")
    func rejectedReport() throws {
        let shard = QualityShard()
        _ = try shard.ingest(visit: "v", participant: "p", peer: nil, report: Self.audio(t: 0), nowMs: 0)
        #expect(throws: StatsDecodeError.self) {
            try shard.ingest(visit: "v", participant: "p", peer: nil, report: Array("[{\"x\":".utf8), nowMs: 1000)
        }
        _ = try shard.ingest(visit: "v", participant: "p", peer: nil, report: Self.audio(t: 4), nowMs: 4000)
        _ = shard.tick(nowMs: 5000)
        #expect(shard.quality(visit: "v", participant: "p").level == .excellent)
    }

    @Test("quality renders as the DESIGN.md quality payload")
    func rendering() {
        let q = ParticipantQuality(participant: "pat\"1", level: .good, mos: 3.7281, limitedBy: .bitrate,
                                   audio: AudioQuality(mos: 4.2564, r: 86.9202, lossPct: 1, rttMs: 100, jitterMs: 20,
                                                       jitterBufferMs: 40, dtx: false),
                                   video: VideoQuality(mos: 3.7281, bitrateKbps: 1500, fps: 30, freezePct: 0, lossPct: 0))
        #expect(q.jsonString == #"{"participant":"pat\"1","level":"GOOD","mos":3.73,"limitedBy":"bitrate","method":"relais-emodel-1","audio":{"mos":4.26,"r":86.9,"lossPct":1,"rttMs":100,"jitterMs":20},"video":{"mos":3.73,"bitrateKbps":1500,"fps":30,"freezePct":0}}"#)
        #expect(ParticipantQuality(participant: "x").jsonString
                == #"{"participant":"x","level":"unknown","mos":null,"limitedBy":null,"method":"relais-emodel-1"}"#)
    }

    @Test("fleet snapshots of two shards merge: counts add, sketches merge, worst visits combine")
    func fleetMerge() throws {
        let a = QualityShard(), b = QualityShard()
        for t in stride(from: 0, through: 10, by: 2) {
            _ = try a.ingest(visit: "good", participant: "p", peer: nil, report: Self.audio(t: t), nowMs: Int64(t) * 1000)
            _ = try b.ingest(visit: "bad", participant: "q", peer: nil, report: Self.audio(t: t, lossPct: 20, rtt: 0.6),
                             nowMs: Int64(t) * 1000)
        }
        _ = a.tick(nowMs: 15_000)
        _ = b.tick(nowMs: 15_000)
        var fleet = a.fleetSnapshot()
        fleet.merge(b.fleetSnapshot())
        #expect(fleet.visits == 2 && fleet.participants == 2)
        #expect(fleet.participants(at: .excellent) == 1 && fleet.participants(at: .poor) == 1)
        #expect(fleet.worstVisits.first?.visit == "bad")
        #expect(fleet.mos.count == 6)  // 3 closed windows × 2 participants
    }

    @Test("ending a visit returns its final series and summary and frees it")
    func endVisit() throws {
        let shard = QualityShard()
        for t in stride(from: 0, through: 20, by: 2) {
            _ = try shard.ingest(visit: "v", participant: "p", peer: nil, report: Self.audio(t: t), nowMs: Int64(t) * 1000)
            _ = shard.tick(nowMs: Int64(t) * 1000)
        }
        let snap = try #require(shard.endVisit("v", nowMs: 21_000))
        #expect(snap.ended && snap.series.count >= 3)
        #expect(snap.summary.timeAt(.excellent) == snap.summary.scoredMs)
        #expect(close(snap.summary.meanMOS ?? 0, EModel.score(rttMs: 100, jitterMs: 20, lossPct: 0).mos))
        #expect(shard.visitSnapshot("v") == nil)
        shard.removeParticipant(visit: "v", participant: "p")
    }
}

extension QualityShardTests {
    @Test("the recent-participant cache never outlives removeParticipant or endVisit")
    func recentCache() throws {
        let shard = QualityShard()
        for t in stride(from: 0, through: 10, by: 2) {
            // Two participants and two peers interleaved: the cache must switch every report.
            _ = try shard.ingest(visit: "v", participant: "p", peer: "x", report: Self.audio(t: t), nowMs: Int64(t) * 1000)
            _ = try shard.ingest(visit: "v", participant: "q", peer: nil, report: Self.audio(t: t, lossPct: 10),
                                 nowMs: Int64(t) * 1000)
        }
        #expect(shard.quality(visit: "v", participant: "p").level == .excellent)
        #expect(shard.quality(visit: "v", participant: "q").level < .excellent)
        shard.removeParticipant(visit: "v", participant: "q")
        let again = try shard.ingest(visit: "v", participant: "q", peer: nil, report: Self.audio(t: 12), nowMs: 12_000)
        #expect(again.level == .unknown && shard.ingestedQuality.participant == "q")  // a new participant: baseline only
        _ = shard.endVisit("v", nowMs: 13_000)
        let fresh = try shard.ingest(visit: "v", participant: "p", peer: "x", report: Self.audio(t: 14), nowMs: 14_000)
        #expect(fresh.level == .unknown)
        #expect(shard.visitSnapshot("v")?.participants.count == 1)
    }
}
