// Counter deltas and their guards (reference §8.1 step 2).
import Testing
@testable import RelaisQuality

struct StreamStateTests {
    static func sample(t: Double, received: Double, lost: Double, bytes: Double = 0, codec: UInt64 = 1) -> StreamStats {
        var s = StreamStats()
        s.kind = .audio
        s.direction = .inbound
        s.codecIdentity = codec
        s[.timestamp] = t
        s[.packetsReceived] = received
        s[.packetsLost] = lost
        s[.bytesReceived] = bytes
        s[.jitter] = 0.02
        return s
    }

    func state() -> StreamState { StreamState(kind: .audio, direction: .inbound, peer: 0, expectationKey: 0) }

    @Test("the first report is a baseline and 0 is a valid baseline")
    func baseline() {
        var s = state()
        #expect(s.update(Self.sample(t: 0, received: 0, lost: 0), fallbackRttSeconds: 0.1) == .baseline)
        #expect(s.update(Self.sample(t: 2000, received: 100, lost: 0), fallbackRttSeconds: 0.1) == .delta)
        #expect(s.window.packets == 100)
    }

    @Test("loss comes from deltas: 4/254 = 1.5748 %, then a decrease counts as 0")
    func lossDeltas() throws {
        var s = state()
        _ = s.update(Self.sample(t: 0, received: 1000, lost: 10), fallbackRttSeconds: 0.1)
        _ = s.update(Self.sample(t: 5000, received: 1250, lost: 14), fallbackRttSeconds: 0.1)
        let aScore = s.closeWindow(fallbackRttSeconds: 0.1, expectation: nil)
        let a = try #require(aScore)
        #expect(close(a.lossPct ?? .nan, 1.5748))
        _ = s.update(Self.sample(t: 10000, received: 1500, lost: 12), fallbackRttSeconds: 0.1)
        let bScore = s.closeWindow(fallbackRttSeconds: 0.1, expectation: nil)
        let b = try #require(bScore)
        #expect(b.lossPct == 0)
    }

    @Test("guards", arguments: [
        // (second report, expected outcome)
        (sample(t: 0, received: 1100, lost: 0), StreamUpdate.stalled),
        (sample(t: -10, received: 1100, lost: 0), StreamUpdate.timestampBackwards),
        (sample(t: 2000, received: 50, lost: 0), StreamUpdate.counterReset),
        (sample(t: 2000, received: 1100, lost: 0, bytes: 0, codec: 2), StreamUpdate.counterReset),
        (sample(t: 2000, received: 1100, lost: 0), StreamUpdate.delta),
    ])
    func guards(_ next: StreamStats, _ expected: StreamUpdate) {
        var s = state()
        _ = s.update(Self.sample(t: 0, received: 1000, lost: 0), fallbackRttSeconds: nil)
        #expect(s.update(next, fallbackRttSeconds: nil) == expected)
        if expected != .delta { #expect(s.window.deltas == 0) }
    }

    @Test("a stall does not move the baseline: the next delta spans from the last good report")
    func stallKeepsBaseline() {
        var s = state()
        _ = s.update(Self.sample(t: 0, received: 1000, lost: 0), fallbackRttSeconds: nil)
        _ = s.update(Self.sample(t: 0, received: 1000, lost: 0), fallbackRttSeconds: nil)
        _ = s.update(Self.sample(t: 4000, received: 1200, lost: 0), fallbackRttSeconds: nil)
        #expect(s.window.packets == 200 && s.window.elapsedMs == 4000)
    }

    @Test("DTX: a few packets are silence, not loss; the previous loss estimate is kept")
    func dtx() throws {
        var s = state()
        _ = s.update(Self.sample(t: 0, received: 1000, lost: 0), fallbackRttSeconds: 0.05)
        _ = s.update(Self.sample(t: 5000, received: 1245, lost: 5), fallbackRttSeconds: 0.05)
        let speechScore = s.closeWindow(fallbackRttSeconds: 0.05, expectation: nil)
        let speech = try #require(speechScore)
        #expect(close(speech.lossPct ?? .nan, 2.0))
        _ = s.update(Self.sample(t: 10000, received: 1249, lost: 9), fallbackRttSeconds: 0.05)
        let silenceScore = s.closeWindow(fallbackRttSeconds: 0.05, expectation: nil)
        let silence = try #require(silenceScore)
        #expect(silence.audio?.dtx == true)
        #expect(close(silence.lossPct ?? .nan, 2.0))
        #expect(silence.expectedPackets == 0)
    }

    @Test("no packets at all in a window: the stream is inactive, not scored")
    func inactive() {
        var s = state()
        _ = s.update(Self.sample(t: 0, received: 1000, lost: 0), fallbackRttSeconds: 0.05)
        _ = s.update(Self.sample(t: 5000, received: 1000, lost: 0), fallbackRttSeconds: 0.05)
        let score = s.closeWindow(fallbackRttSeconds: 0.05, expectation: nil)
        #expect(score == nil)
    }
}

extension StreamState {
    /// This stream's score on its own (`nil`: not scored), as its participant folds it in.
    mutating func closeWindow(fallbackRttSeconds: Double?, expectation: VideoExpectation?) -> WindowScores? {
        var scores = WindowScores()
        return closeWindow(fallbackRttSeconds: fallbackRttSeconds, expectation: expectation, into: &scores) ? scores : nil
    }
}
