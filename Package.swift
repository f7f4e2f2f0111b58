// swift-tools-version:6.1
// Relais: teleconsultation signalling server and call-quality monitor.
// The target list reads top-down as the layer ladder of docs/architecture.md:
// C shims -> RelaisCore (no syscalls) -> RelaisPosix -> RelaisTLS -> RelaisHTTP -> RelaisWebSocket
// -> RelaisServer -> relais. A lower layer never imports a higher one.
import PackageDescription

/// Settings shared by every Swift target (system library targets accept none).
let swiftSettings: [SwiftSetting] = [
    // SE-0444: a file must import the module whose members it uses.
    .enableUpcomingFeature("MemberImportVisibility"),
    // SE-0335: spell out `any` for existentials.
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Relais",
    products: [
        .executable(name: "relais", targets: ["relais"]),
        .library(name: "RelaisWebSocket", targets: ["RelaisWebSocket"]),
        .library(name: "RelaisServer", targets: ["RelaisServer"]),
        .library(name: "RelaisQuality", targets: ["RelaisQuality"]),
        .library(name: "RelaisCore", targets: ["RelaisCore"]),
        .library(name: "RelaisSignalling", targets: ["RelaisSignalling"]),
        // For Benchmarks/ (its own package): the TLS record path and the HTTP request parser.
        .library(name: "RelaisTLS", targets: ["RelaisTLS"]),
        .library(name: "RelaisHTTP", targets: ["RelaisHTTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // `relais bench` latency percentiles (HdrHistogram: fixed memory, mergeable across loops, 3 digits).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        // MARK: - C shims
        .systemLibrary(
            name: "CRelaisOpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Linux kernel headers (epoll, eventfd, timerfd) that the Glibc module does not export.
        .systemLibrary(name: "CRelaisLinux"),
        .systemLibrary(
            name: "CRelaisZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // MARK: - Layers
        .target(name: "RelaisCore", swiftSettings: swiftSettings),
        .target(name: "RelaisPosix", dependencies: ["RelaisCore", "CRelaisLinux"], swiftSettings: swiftSettings),
        .target(name: "RelaisTLS", dependencies: ["RelaisCore", "CRelaisOpenSSL"], swiftSettings: swiftSettings),
        .target(name: "RelaisHTTP", dependencies: ["RelaisCore"], swiftSettings: swiftSettings),
        // Stats ingestion, counter deltas, scoring, windows, sketches, summaries. Pure computation, no I/O.
        .target(name: "RelaisQuality", swiftSettings: swiftSettings + [.enableUpcomingFeature("InternalImportsByDefault")]),
        .target(
            name: "RelaisWebSocket",
            dependencies: ["RelaisCore", "RelaisPosix", "RelaisTLS", "RelaisHTTP", "CRelaisZlib", "CRelaisOpenSSL"],
            swiftSettings: swiftSettings
        ),
        // Persistence of ended visits and quality windows (SQLite through GRDB), written off the event loops.
        .target(
            name: "RelaisStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Protocol v1: tokens, rooms, lobby, consent, relay, resume, TURN credentials, audit events. No sockets.
        .target(name: "RelaisSignalling", dependencies: ["RelaisCore", "CRelaisOpenSSL"], swiftSettings: swiftSettings),
        .target(
            name: "RelaisServer",
            dependencies: [
                "RelaisCore", "RelaisPosix", "RelaisTLS", "RelaisHTTP", "RelaisWebSocket", "RelaisSignalling", "RelaisQuality",
                "RelaisStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The /demo pages, compiled into the binary (PackageResources.<file>): no runtime file reads, no CDN.
            // `.embedInCode` takes one file per rule. Demo/relais.js is a copy of clients/js/relais.js (a test
            // checks they are identical) because resources must live inside the target directory.
            // The /dashboard files likewise (their names must differ from the demo's: PackageResources is flat).
            resources: ["index.html", "clinician.html", "patient.html", "demo.css", "demo.js", "relais.js"]
                .map { .embedInCode("Demo/\($0)") }
                + ["dashboard.html", "dashboard.css", "dashboard.js"].map { .embedInCode("Dashboard/\($0)") },
            swiftSettings: swiftSettings
        ),

        // MARK: - Executables
        .executableTarget(
            name: "relais",
            dependencies: [
                "RelaisServer", "RelaisTLS", "RelaisWebSocket", "RelaisHTTP", "RelaisPosix", "RelaisCore", "RelaisSignalling",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .testTarget(name: "RelaisCoreTests", dependencies: ["RelaisCore"], swiftSettings: swiftSettings),
        .testTarget(name: "RelaisPosixTests", dependencies: ["RelaisPosix", "RelaisCore"], swiftSettings: swiftSettings),
        .testTarget(name: "RelaisTLSTests", dependencies: ["RelaisTLS", "RelaisCore"], swiftSettings: swiftSettings),
        .testTarget(name: "RelaisHTTPTests", dependencies: ["RelaisHTTP", "RelaisCore"], swiftSettings: swiftSettings),
        .testTarget(name: "RelaisStoreTests", dependencies: ["RelaisStore"], swiftSettings: swiftSettings),
        .testTarget(name: "RelaisSignallingTests", dependencies: ["RelaisSignalling", "RelaisCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RelaisQualityTests",
            dependencies: ["RelaisQuality"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelaisWebSocketTests",
            dependencies: ["RelaisWebSocket", "RelaisCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelaisIntegrationTests",
            dependencies: ["RelaisServer", "RelaisWebSocket", "RelaisTLS", "RelaisHTTP", "RelaisPosix", "RelaisCore", "RelaisSignalling"],
            exclude: ["Scripts"],
            swiftSettings: swiftSettings
        ),
    ]
)
