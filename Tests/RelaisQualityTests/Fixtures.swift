// Test helpers: fixture loading through #filePath (no bundle resources needed).
import Foundation
import Testing

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func data(_ name: String) -> Data {
        // Fixtures are committed with the tests; a missing one is a broken checkout.
        guard let d = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
            fatalError("missing fixture \(name)")
        }
        return d
    }

    static func json(_ name: String) -> Any {
        (try? JSONSerialization.jsonObject(with: data(name))) ?? [:]
    }

    static var vectors: [String: Any] { json("quality-test-vectors.json") as? [String: Any] ?? [:] }

    static func vectorList(_ key: String) -> [Vector] {
        (vectors[key] as? [[String: Any]] ?? []).enumerated().map { Vector(index: $0.offset, json: $0.element) }
    }

    /// A fixture's samples re-serialised one report at a time, as a client would send them.
    static func samples(_ name: String, side: String) -> [[UInt8]] {
        let root = json(name) as? [String: Any] ?? [:]
        let samples = root["samples"] as? [[String: Any]] ?? []
        return samples.compactMap { s in
            guard let report = s[side], let d = try? JSONSerialization.data(withJSONObject: report) else { return nil }
            return [UInt8](d)
        }
    }

    static func sampleTimes(_ name: String) -> [Double] {
        let root = json(name) as? [String: Any] ?? [:]
        return (root["samples"] as? [[String: Any]] ?? []).map { ($0["t"] as? Double) ?? 0 }
    }
}

/// One reference vector, flattened to Sendable values (`prev.packetsReceived` for nested keys).
struct Vector: Sendable, CustomTestStringConvertible {
    var index: Int
    var numbers: [String: Double] = [:]
    var strings: [String: String] = [:]

    init(index: Int, json: [String: Any], prefix: String = "") {
        self.index = index
        for (k, v) in json {
            if let s = v as? String {
                strings[prefix + k] = s
            } else if let n = v as? NSNumber {
                numbers[prefix + k] = n.doubleValue
            } else if let d = v as? [String: Any] {
                let inner = Vector(index: index, json: d, prefix: prefix + k + ".")
                numbers.merge(inner.numbers) { a, _ in a }
            }
        }
    }

    func double(_ k: String) -> Double { numbers[k] ?? .nan }
    func optionalDouble(_ k: String) -> Double? { numbers[k] }
    subscript(_ k: String) -> String? { strings[k] }
    var testDescription: String { strings["id"] ?? "#\(index)" }
}

func close(_ a: Double, _ b: Double, _ tol: Double = 1e-3) -> Bool { abs(a - b) <= tol }
