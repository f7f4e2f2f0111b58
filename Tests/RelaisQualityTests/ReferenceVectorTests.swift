// Every numeric vector of reference/quality-test-vectors.json, reproduced within 1e-3.
import Foundation
import Testing
@testable import RelaisQuality

struct ReferenceVectorTests {
    @Test("R → MOS matches G.107 Annex B", arguments: Fixtures.vectorList("r_to_mos"))
    func rToMOS(_ v: Vector) {
        #expect(close(EModel.mos(r: v.double("R")), v.double("MOS")))
    }

    @Test("simplified G.107 terms match", arguments: Fixtures.vectorList("g107_simplified"))
    func g107Simplified(_ v: Vector) {
        let r = ReferenceModels.g107Simplified(oneWayMs: v.double("one_way_d_ms"), lossPct: v.double("loss_pct"),
                                               bpl: v.double("Bpl"))
        #expect(close(r.id, v.double("Id")))
        #expect(close(r.ieEff, v.double("Ie_eff")))
        #expect(close(r.r, v.double("R")))
        #expect(close(r.mos, v.double("MOS")))
    }

    @Test("full G.107 with default parameters matches", arguments: Fixtures.vectorList("g107_full_defaults"))
    func g107Full(_ v: Vector) {
        let r = ReferenceModels.g107Full(t: v.double("T_ms"), ta: v.double("Ta_ms"), lossPct: v.double("loss_pct"),
                                         bpl: v.double("Bpl"))
        #expect(close(r.ro, v.double("Ro")))
        #expect(close(r.iS, v.double("Is")))
        #expect(close(r.idte, v.double("Idte")))
        #expect(close(r.idle, v.double("Idle")))
        #expect(close(r.idd, v.double("Idd")))
        #expect(close(r.id, v.double("Id")))
        #expect(close(r.r, v.double("R")))
        #expect(close(r.mos, v.double("MOS")))
    }

    @Test("PingPlotter convention matches", arguments: Fixtures.vectorList("pingplotter"))
    func pingPlotter(_ v: Vector) {
        let r = ReferenceModels.pingPlotter(latencyMs: v.double("latency_ms"), jitterMs: v.double("jitter_ms"),
                                            lossPct: v.double("loss_pct"))
        #expect(close(r.r, v.double("R")))
        #expect(close(r.mos, v.double("MOS")))
    }

    @Test("Twilio Voice convention matches", arguments: Fixtures.vectorList("twilio_voice"))
    func twilio(_ v: Vector) {
        let r = ReferenceModels.twilioVoice(rttMs: v.double("rtt_ms"), jitterMs: v.double("jitter_ms"),
                                            lossPct: v.double("loss_pct"))
        #expect(close(r.r, v.double("R")))
        #expect(close(r.mos, v.double("MOS")))
    }

    @Test("LiveKit packet score, smoothing and level match", arguments: Fixtures.vectorList("livekit_packet_score"))
    func liveKit(_ v: Vector) {
        let raw = ReferenceModels.liveKitPacketScore(packets: v.double("packets"), lost: v.double("lost"),
                                                     lossWeight: v.double("plw"))
        let s = ReferenceModels.liveKitSmoothed(previous: 100, raw: raw)
        #expect(close(raw, v.double("raw")))
        #expect(close(s, v.double("after_one_window_from_100")))
        #expect(ReferenceModels.liveKitLevel(score: s) == v["level"])
        #expect(close(EModel.mos(r: s), v.double("mos")))
    }

    @Test("recommended audio score matches (Relais audio model)", arguments: Fixtures.vectorList("recommended_audio"))
    func recommendedAudio(_ v: Vector) {
        // A6 is the FEC case: Bpl 37.65 = 25.1 × 1.5.
        let fec = close(v.double("Bpl"), QualityMethod.bpl * QualityMethod.fecRobustnessFactor)
        let r = EModel.score(rttMs: v.double("rtt_ms"), jitterMs: v.double("jitter_ms"), lossPct: v.double("loss_pct"),
                             jitterBufferMs: v.optionalDouble("jb_ms"), fec: fec)
        #expect(close(r.oneWayDelayMs, v.double("Ta_ms")))
        #expect(close(r.delayImpairment, v.double("Id")))
        #expect(close(r.lossImpairment, v.double("Ie_eff")))
        #expect(close(r.r, v.double("R")))
        #expect(close(r.mos, v.double("MOS")))
        #expect(QualityLevel(mos: r.mos).name == v["level"])
    }

    @Test("recommended video score matches (Relais video model)", arguments: Fixtures.vectorList("recommended_video"))
    func recommendedVideo(_ v: Vector) {
        let r = VideoModel.score(bitrateBps: v.double("bitrate_bps"), expectedWidth: v.double("expected_w"),
                                 expectedHeight: v.double("expected_h"), fps: v.double("fps"),
                                 expectedFps: v.double("fps_expected"), lossPct: v.double("loss_pct"),
                                 freezeFraction: v.double("freeze_frac"))
        #expect(close(r.bitsPerPixelPerFrame, v.double("bPPPF"), 1e-5))
        #expect(close(r.q0, v.double("q0")))
        #expect(close(r.q1, v.double("q1")))
        #expect(close(r.q2, v.double("q2")))
        #expect(close(r.mos, v.double("MOS")))
        #expect(QualityLevel(mos: r.mos).name == v["level"])
    }

    @Test("G.1070 video quality matches", arguments: Fixtures.vectorList("g1070_video"))
    func g1070(_ v: Vector) {
        let r = ReferenceModels.g1070(bitrateKbps: v.double("BrV_kbps"), fps: v.double("FrV"),
                                      lossPct: v.double("PplV_pct"), v: ReferenceModels.g1070H264VGA9inch)
        #expect(close(r.vq, v.double("Vq")))
        #expect(close(r.ofr, v.double("Ofr")))
        #expect(close(r.iofr, v.double("IOfr")))
        #expect(close(r.dfrv, v.double("DFrV")))
        #expect(close(r.icoding, v.double("Icoding")))
        #expect(close(r.dpplv, v.double("DPplV")))
    }

    @Test("loss from cumulative counters matches", arguments: Fixtures.vectorList("loss_from_counters"))
    func lossFromCounters(_ v: Vector) {
        let loss = EModel.lossPercent(
            deltaReceived: v.double("cur.packetsReceived") - v.double("prev.packetsReceived"),
            deltaLost: v.double("cur.packetsLost") - v.double("prev.packetsLost"))
        #expect(close(loss, v.double("loss_pct")))
    }

    @Test("all 58 reference vectors are exercised")
    func vectorCount() {
        let total = Fixtures.vectors.values.compactMap { $0 as? [Any] }.reduce(0) { $0 + $1.count }
        #expect(total == 58)
    }
}
