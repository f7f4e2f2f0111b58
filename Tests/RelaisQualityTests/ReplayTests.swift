// Replay of a real getStats() recording (scripts/record-getstats.py) through the whole pipeline.
import Testing
@testable import RelaisQuality

struct ReplayTests {
    struct Run {
        var series: [QualityPoint]
        var summary: VisitSummary
        var clinician: ParticipantQuality
        var patient: ParticipantQuality
        var changes: Int
    }

    /// Both sides of the recorded call: the offering side is the clinician, the answering side
    /// the patient, each reporting about the other.
    static func replay(_ name: String) throws -> Run {
        let shard = QualityShard()
        let sender = Fixtures.samples(name, side: "sender")
        let receiver = Fixtures.samples(name, side: "receiver")
        let times = Fixtures.sampleTimes(name)
        let start: Int64 = 1_000_000
        var changes = 0
        for i in sender.indices {
            let now = start + Int64(times[i])
            _ = try shard.ingest(visit: "v1", participant: "clinician", peer: "patient", report: sender[i], nowMs: now)
            let r = try shard.ingest(visit: "v1", participant: "patient", peer: "clinician", report: receiver[i], nowMs: now)
            if r.levelChanged { changes += 1 }
            changes += shard.tick(nowMs: now).count
        }
        let end = start + Int64(times.last ?? 0) + QualityMethod.windowMs
        changes += shard.tick(nowMs: end).count
        let snap = try #require(shard.visitSnapshot("v1"))
        return Run(series: snap.series, summary: snap.summary,
                   clinician: shard.quality(visit: "v1", participant: "clinician"),
                   patient: shard.quality(visit: "v1", participant: "patient"), changes: changes)
    }

    /// The recording is a one-way call (camera and microphone from the offering side only), so
    /// the answering side (patient) has scores and the offering side (clinician) stays `unknown`.
    /// Audio is clean (EXCELLENT). Video is scored against the sender's 1280×720@30 source while
    /// Chromium's bandwidth estimate ramps up from 300 kbit/s, so the provisional video model
    /// (reference §8.1: ~2.6 Mbit/s needed for 4.03 at 720p30) starts POOR and climbs: the
    /// series must show exactly that, with `limitedBy` = bitrate, and nothing erratic.
    @Test("a real 30 s Chromium call gives a sensible, stable time series")
    func chromiumReplay() throws {
        let run = try Self.replay("chromium-replay.json")
        #expect(run.series.count >= 6)
        for (a, b) in zip(run.series, run.series.dropFirst()) {
            #expect(b.startMs == a.startMs + QualityMethod.windowMs)
            // Smoothed MOS moves slowly: no jumps of more than half a MOS point between windows.
            #expect(abs((b.mos ?? 0) - (a.mos ?? 0)) < 0.5)
        }
        for p in run.series {
            #expect(p.mos.map(\.isFinite) ?? false)
            #expect(p.level >= .poor && p.level != .unknown)
            #expect(p.lossPct == 0)
            #expect((p.rttMs ?? 1000) < 50)
            #expect((p.jitterMs ?? 1000) < 30)
            #expect(p.scoredParticipants == 1)
        }
        // The ramp-up: the last window is better than the first.
        #expect((run.series.last?.mos ?? 0) > (run.series.first?.mos ?? 5))
        let audio = try #require(run.patient.audio)
        #expect(QualityLevel(mos: audio.mos) == .excellent)
        #expect(audio.lossPct == 0 && audio.rttMs < 50)
        let video = try #require(run.patient.video)
        #expect(video.fps > 15 && video.bitrateKbps > 300 && video.freezePct == 0)
        #expect(run.patient.limitedBy == .bitrate)
        #expect(run.clinician.level == .unknown)
        #expect(run.summary.totalLossPct == 0)
        #expect(run.changes <= 3)
    }

    @Test("the 2 s-cadence reference fixture replays the same way")
    func referenceFixtureReplay() throws {
        let run = try Self.replay("chromium-getstats.json")
        #expect(run.series.count >= 3)
        for p in run.series { #expect(p.mos.map(\.isFinite) ?? false) }
        #expect(run.patient.audio.map { QualityLevel(mos: $0.mos) } == .excellent)
    }
}
