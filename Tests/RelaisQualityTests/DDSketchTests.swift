// Sketch accuracy against exact percentiles, and merging.
import Foundation
import Testing
@testable import RelaisQuality

/// SplitMix64: a seeded generator so the random data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct DDSketchTests {
    static func data(_ kind: String, seed: UInt64, n: Int = 20_000) -> [Double] {
        var g = SeededGenerator(state: seed)
        return (0..<n).map { _ in
            let u = Double.random(in: 0.000_001..<1, using: &g)
            switch kind {
            case "uniform-mos": return 1 + 3.5 * u
            case "exponential-rtt": return -log(u) * 80
            case "pareto-heavy": return 5 / pow(u, 1 / 1.2)
            default: return u < 0.7 ? 0 : 100 * u  // loss: mostly zero
            }
        }
    }

    @Test("every quantile is within the stated relative error", arguments: ["uniform-mos", "exponential-rtt", "pareto-heavy", "zero-heavy-loss"])
    func accuracy(_ kind: String) throws {
        let values = Self.data(kind, seed: 42)
        var sketch = DDSketch()
        for v in values { sketch.add(v) }
        let sorted = values.sorted()
        for q in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let exact = sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
            let estimate = try #require(sketch.quantile(q))
            #expect(abs(estimate - exact) <= sketch.relativeAccuracy * exact + 1e-12, "\(kind) q\(q): \(estimate) vs \(exact)")
        }
        #expect(sketch.binCount <= DDSketch.maxBins)
    }

    @Test("merging two sketches equals sketching the union")
    func merge() {
        let a = Self.data("exponential-rtt", seed: 1), b = Self.data("pareto-heavy", seed: 2)
        var sa = DDSketch(), sb = DDSketch(), su = DDSketch()
        for v in a { sa.add(v); su.add(v) }
        for v in b { sb.add(v); su.add(v) }
        sa.merge(sb)
        for q in [0.5, 0.9, 0.99] { #expect(sa.quantile(q) == su.quantile(q)) }
        #expect(sa.count == su.count)
    }
}
