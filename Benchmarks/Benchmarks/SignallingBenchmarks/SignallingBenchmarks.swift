// RelaisSignalling benchmarks: the per-message user-space work of the relay path and the per-join token check,
// without sockets (the kernel's share is measured end to end in docs/benchmarks.md §3 and §6).
//
//   parse relay (fast)     a 256-byte `candidate` message through ParsedRequest.parse (tree-free path)
//   parse relay (general)  the same bytes through the JSON-tree parser
//   room relay             Room.handle for that message: validation, seq, replay entry, re-encoding with `from`
//   token verify           an HS256 join token: base64url, JSON, HMAC-SHA256, claims
//   parse join             the first message of every connection (`join` with that token), general parser
//   parse stats            a `stats` message carrying a 521-byte compact report, tree-free path like relayed
//                          messages (the report's bytes are copied out for RelaisQuality, not decoded here:
//                          QualityBenchmarks does that); through the general parser it was 16 µs, 101 mallocs
//
// Run: cd Benchmarks && swift package --scratch-path .build benchmark --target SignallingBenchmarks
import Benchmark
import RelaisBenchmarkSupport
import RelaisCore
import RelaisSignalling

let candidate256: [UInt8] = {
    var text = #"{"type":"candidate","to":"doc","candidate":{"candidate":"candidate:0 1 udp 2122260223 192.0.2.7 54321 typ host generation 0 ufrag Zx9q network-id 1","sdpMid":"0","sdpMLineIndex":0}}"#
    while text.utf8.count < 256 { text += " " }
    return Array(text.utf8)
}()

let tokenSecret = "bench-secret"
let tokenNow: Int64 = 1_800_000_000
/// A patient's join token as the application back end mints it.
let joinToken = TokenMinter(secret: tokenSecret).mint(
    TokenClaims(subject: "pat-1", room: "visit-9", role: .patient, name: "Ada", expiresAt: tokenNow + 600), issuedAt: tokenNow)

let joinMessage = Array(#"{"type":"join","rid":"r-1","token":"\#(joinToken)"}"#.utf8)
let statsMessage = Array(#"{"type":"stats","rid":"r-42","peer":"doc-1","report":\#(RelaisBenchmarks.compactReport)}"#.utf8)

/// Parses `message` as a WebSocket text frame (`join` takes the general parser, `stats` the tree-free path).
func parseLoop(_ benchmark: Benchmark, _ message: [UInt8], expecting type: String) {
    for _ in benchmark.scaledIterations {
        guard case .success(let request) = ParsedRequest.parse(message, validatedUTF8: true), request.type == type else {
            fatalError("\(type) message not parsed")
        }
        blackHole(request)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = RelaisBenchmarks.configuration(warmupIterations: 10)

    Benchmark("parse-candidate-256B-fast-path") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ParsedRequest.parse(candidate256, validatedUTF8: true)) }
    }

    Benchmark("parse-candidate-256B-general") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ParsedRequest.parse(candidate256, validatedUTF8: false)) }
    }

    Benchmark("room-relay-candidate") { benchmark in
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

    Benchmark("token-verify-hs256") { benchmark in
        let verifier = TokenVerifier(keys: TokenKeys(defaultSecret: tokenSecret))
        for _ in benchmark.scaledIterations { blackHole(verifier.verify(joinToken, nowSeconds: tokenNow)) }
    }

    Benchmark("parse-join") { benchmark in
        parseLoop(benchmark, joinMessage, expecting: "join")
    }

    Benchmark("parse-stats-521B-report") { benchmark in
        parseLoop(benchmark, statsMessage, expecting: "stats")
    }
}
