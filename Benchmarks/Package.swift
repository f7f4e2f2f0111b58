// swift-tools-version:6.1
// Benchmarks live in their own package (as swift-nio and package-benchmark do) so the benchmark tool and its
// malloc interposer never enter the server's dependency graph. Run from this folder:
//   swift package benchmark                      (all suites)
//   swift package benchmark --target TransportBenchmarks
import PackageDescription

let package = Package(
    name: "RelaisBenchmarks",
    dependencies: [
        // Named explicitly so the product references below do not depend on the checkout's folder name.
        .package(name: "Relais", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Decode + per-stream update per report, compact and browser formats, against JSONDecoder.
        .executableTarget(
            name: "QualityBenchmarks",
            dependencies: [
                .product(name: "RelaisQuality", package: "Relais"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/QualityBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // RelaisWebSocket per-message work without sockets: 256 B frame decode/encode, 64 KiB masking and UTF-8
        // validation, 2 KiB permessage-deflate round trip; wall clock and allocations (docs/benchmarks.md).
        .executableTarget(
            name: "TransportBenchmarks",
            dependencies: [
                .product(name: "RelaisCore", package: "Relais"),
                .product(name: "RelaisWebSocket", package: "Relais"),
                .product(name: "RelaisServer", package: "Relais"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TransportBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Relay parse, room relay and token verification (user-space cost of the signalling path).
        .executableTarget(
            name: "SignallingBenchmarks",
            dependencies: [
                .product(name: "RelaisCore", package: "Relais"),
                .product(name: "RelaisSignalling", package: "Relais"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SignallingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
