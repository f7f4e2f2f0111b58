// RelaisHTTP benchmarks: HTTPRequestParser on the two requests the server parses most, whole requests arriving
// in one read (the common case on loopback and LAN).
//
//   upgrade GET   a browser's WebSocket upgrade to /v1/signal: request line + 12 header fields, no body
//   stats POST    POST /api/v1/stats with Content-Length and a 601-byte JSON batch of one quality report
//
// Per operation: the bytes are appended to a reused ByteBuffer (as the driver does after a read), then one
// `parse` returns the request (head split into lines, validated, header strings built, body copied).
//
// Run: cd Benchmarks && swift package --scratch-path .build benchmark --target HTTPBenchmarks
// Results (p50 per operation, mallocs per operation) and the machine they came from: docs/benchmarks.md §10.
import Benchmark
import RelaisBenchmarkSupport
import RelaisCore
import RelaisHTTP

// MARK: - Inputs

/// What Chromium sends to open a signalling connection (the token travels in the first message, not the URL).
let upgradeRequest = Array("""
    GET /v1/signal HTTP/1.1\r
    Host: relais.example.org\r
    Connection: Upgrade\r
    Pragma: no-cache\r
    Cache-Control: no-cache\r
    User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r
    Upgrade: websocket\r
    Origin: https://relais.example.org\r
    Sec-WebSocket-Version: 13\r
    Accept-Encoding: gzip, deflate, br, zstd\r
    Accept-Language: en-GB,en;q=0.9,fr;q=0.8\r
    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
    Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r
    \r

    """.utf8)

/// A batch of one compact quality report, as a client without a WebSocket (a native app, a gateway) posts it.
let statsBody = Array(#"{"reports":[{"visit":"visit-9","participant":"pat-1","peer":"doc-1","report":"#.utf8)
    + Array(RelaisBenchmarks.compactReport.utf8) + Array("}]}".utf8)

let statsRequest = Array("""
    POST /api/v1/stats HTTP/1.1\r
    Host: relais.example.org\r
    Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXQtMSJ9.c2lnbmF0dXJl\r
    Content-Type: application/json\r
    Content-Length: \(statsBody.count)\r
    \r

    """.utf8) + statsBody

// MARK: - Benchmarks

/// Parses `request` once per iteration through one long-lived parser and input buffer.
func parseLoop(_ benchmark: Benchmark, _ request: [UInt8]) {
    var parser = HTTPRequestParser()
    var input = ByteBuffer(capacity: 4096)
    for _ in benchmark.scaledIterations {
        request.withUnsafeBytes { input.write($0) }
        guard case .request(let parsed) = parser.parse(&input) else { fatalError("request not parsed") }
        blackHole(parsed)
    }
    precondition(input.isEmpty)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = RelaisBenchmarks.configuration(warmupIterations: 10)

    Benchmark("parse-upgrade-get-12-headers") { benchmark in
        parseLoop(benchmark, upgradeRequest)
    }

    Benchmark("parse-post-stats-601B-body") { benchmark in
        parseLoop(benchmark, statsRequest)
    }
}
