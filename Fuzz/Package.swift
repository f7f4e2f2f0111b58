// swift-tools-version:6.1
// libFuzzer targets for every parser that reads bytes from the network. Built with
// `swift build --sanitize=fuzzer --sanitize=address` (see scripts/fuzz and docs/fuzzing.md).
import PackageDescription

let package = Package(
    name: "RelaisFuzz",
    dependencies: [.package(name: "Relais", path: "..")],
    targets: [
        .executableTarget(name: "FuzzHTTPParser", dependencies: [.product(name: "RelaisServer", package: "Relais")]),
        .executableTarget(name: "FuzzFrameDecoder", dependencies: [.product(name: "RelaisWebSocket", package: "Relais")]),
        .executableTarget(name: "FuzzInflate", dependencies: [.product(name: "RelaisWebSocket", package: "Relais")]),
    ]
)
