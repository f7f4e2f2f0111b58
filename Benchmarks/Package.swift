// swift-tools-version:6.1
// Benchmarks live in their own package (as swift-nio and package-benchmark do) so the benchmark tool and its
// malloc interposer never enter the server's dependency graph. Run from this folder:
//   swift package benchmark                      (all suites)
//   swift package benchmark --target TransportBenchmarks
//   ../scripts/bench-thresholds check            (against Thresholds/ with a fixed metric list, docs/benchmarks.md §10)
import PackageDescription

/// One suite: an executable in Benchmarks/<name>/ using the given Relais products, the benchmark library and the
/// shared support target, run by the benchmark plugin.
func suite(_ name: String, relais products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: "Relais") } + [
            .product(name: "Benchmark", package: "benchmark"),
            "RelaisBenchmarkSupport",
        ],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "RelaisBenchmarks",
    dependencies: [
        // Named explicitly so the product references below do not depend on the checkout's folder name.
        .package(name: "Relais", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // What the suites share: the threshold tolerances, the metric list, a sample quality report.
        .target(
            name: "RelaisBenchmarkSupport",
            dependencies: [.product(name: "Benchmark", package: "benchmark")],
            path: "Support"
        ),
        // Decode + per-stream update per report, compact and browser formats, against JSONDecoder.
        suite("QualityBenchmarks", relais: ["RelaisQuality"]),
        // RelaisWebSocket per-message work without sockets: 256 B frame decode/encode, 64 KiB masking and UTF-8
        // validation, 2 KiB permessage-deflate round trip; wall clock and allocations (docs/benchmarks.md).
        suite("TransportBenchmarks", relais: ["RelaisCore", "RelaisWebSocket"]),
        // Relay parse, room relay, token verification, join/stats message parse (user-space cost of signalling).
        suite("SignallingBenchmarks", relais: ["RelaisCore", "RelaisSignalling"]),
        // Memory-BIO TLS sessions: seal + open of one record (256 B, 16 KiB) and a whole in-memory handshake.
        suite("TLSBenchmarks", relais: ["RelaisTLS"]),
        // HTTPRequestParser on a WebSocket upgrade GET and a stats POST with a JSON body.
        suite("HTTPBenchmarks", relais: ["RelaisCore", "RelaisHTTP"]),
    ],
    swiftLanguageModes: [.v6]
)
