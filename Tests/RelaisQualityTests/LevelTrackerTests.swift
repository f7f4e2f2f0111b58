// Smoothing and hysteresis.
import Testing
@testable import RelaisQuality

struct LevelTrackerTests {
    @Test("asymmetric EWMA reproduces the reference smoothing example")
    func smoothingExample() {
        // reference §8.2: start 93.2; raw 60 → 66.64 → 61.33; raw 90 → 72.80 → 79.68 → 83.81 → 86.28
        var s = SmoothedScore(value: 93.2)
        let expected = [66.64, 61.328, 72.7968, 79.6781, 83.8068, 86.2841]
        for (raw, e) in zip([60.0, 60, 90, 90, 90, 90], expected) { #expect(close(s.update(raw), e)) }
    }

    @Test("levels follow the MOS bands", arguments: [
        (4.4, QualityLevel.excellent), (4.03, .excellent), (4.02, .good), (3.6, .good), (3.59, .fair), (3.1, .fair),
        (3.09, .poor), (1.0, .poor),
    ])
    func bands(_ mos: Double, _ level: QualityLevel) { #expect(QualityLevel(mos: mos) == level) }

    @Test("hysteresis sequences", arguments: [
        // candidates fed window by window → published levels
        ([QualityLevel.excellent], [QualityLevel.excellent]),
        ([.excellent, .poor], [.excellent, .poor]),  // drops at once
        ([.poor, .good, .good], [.poor, .poor, .good]),  // rises after two windows
        ([.poor, .good, .poor, .good], [.poor, .poor, .poor, .poor]),  // flapping does not rise
        ([.poor, .excellent, .good], [.poor, .poor, .good]),  // rises to the worse of the two
        ([.good, .lost, .good, .good], [.good, .lost, .lost, .good]),
        ([.fair, .fair, .fair], [.fair, .fair, .fair]),
    ])
    func hysteresis(_ candidates: [QualityLevel], _ published: [QualityLevel]) {
        var t = LevelTracker()
        #expect(t.level == .unknown)
        var got: [QualityLevel] = []
        for c in candidates {
            t.update(c)
            got.append(t.level)
        }
        #expect(got == published)
    }
}
