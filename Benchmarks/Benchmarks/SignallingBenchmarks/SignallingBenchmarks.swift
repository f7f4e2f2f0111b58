// RelaisSignalling benchmarks: the per-message user-space work of the relay path and the per-join token check,
// without sockets (the kernel's share is measured end to end in docs/benchmarks.md §3 and §6).
//
//   parse relay (fast)     a 256-byte `candidate` message through ParsedRequest.parse (tree-free path)
//   parse relay (general)  the same bytes through the JSON-tree parser
//   room relay             Room.handle for that message: validation, seq, replay entry, re-encoding with `from`
//   token verify           an HS256 join token: base64url, JSON, HMAC-SHA256, claims
//
// Run: cd Benchmarks && swift package --scratch-path .build benchmark --target SignallingBenchmarks
import Benchmark
import RelaisCore
import RelaisSignalling

let candidate256: [UInt8] = {
    var text = #"{"type":"candidate","to":"doc","candidate":{"candidate":"candidate:0 1 udp 2122260223 192.0.2.7 54321 typ host generation 0 ufrag Zx9q network-id 1","sdpMid":"0","sdpMLineIndex":0}}"#
    while text.utf8.count < 256 { text += " " }
    return Array(text.utf8)
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )

    Benchmark("Parse relay message (fast path)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ParsedRequest.parse(candidate256, validatedUTF8: true)) }
    }

    Benchmark("Parse relay message (general parser)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ParsedRequest.parse(candidate256, validatedUTF8: false)) }
    }

    Benchmark("Room relay of one candidate") { benchmark in
        var configuration = SignallingConfiguration()
        configuration.consentRequiredByDefault = false
        let room = Room(id: "bench", configuration: configuration, nowMs: 1_000)
        let doc = SessionID(1), guest = SessionID(2)
        _ = room.handle(.join(JoinContext(session: doc, claims: TokenClaims(subject: "doc", room: "bench", role: .clinician,
                                                                            expiresAt: 9_999_999_999), resume: nil)), nowMs: 1_000)
        _ = room.handle(.join(JoinContext(session: guest, claims: TokenClaims(subject: "g", room: "bench", role: .clinician,
                                                                              expiresAt: 9_999_999_999), resume: nil)), nowMs: 1_000)
        guard case .success(let request) = ParsedRequest.parse(candidate256, validatedUTF8: true) else { fatalError("bad input") }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(room.handle(.request(guest, request), nowMs: 2_000)) }
    }

    Benchmark("Verify HS256 join token") { benchmark in
        let now: Int64 = 1_800_000_000
        let token = TokenMinter(secret: "bench-secret").mint(
            TokenClaims(subject: "pat-1", room: "visit-9", role: .patient, name: "Ada", expiresAt: now + 600), issuedAt: now)
        let verifier = TokenVerifier(keys: TokenKeys(defaultSecret: "bench-secret"))
        for _ in benchmark.scaledIterations { blackHole(verifier.verify(token, nowSeconds: now)) }
    }
}
