// RelaisTLS benchmarks: the record path of a memory-BIO TLS session (what every byte of a wss:// connection goes
// through after the handshake) and, separately, a whole handshake. No sockets: a client and a server session hand
// records to each other, as in Tests/RelaisTLSTests.
//
//   seal + open 256 B    one application-data record: SSL_write + BIO_read on one side, BIO_write + SSL_read on
//                        the other (a signalling message of that size)
//   seal + open 16 KiB   one full-size record (the most TLS puts in one record)
//   handshake            TLS 1.3, ECDSA P-256 certificate, client verifies it: both sides' whole work
//
// The sessions are the server's own: TLSContext.server / .client with a development certificate made by
// CertificateGenerator (TLS 1.3, the first cipher suite OpenSSL picks, SSL_MODE_RELEASE_BUFFERS on).
//
// Run: cd Benchmarks && swift package --scratch-path .build benchmark --target TLSBenchmarks
// Results (p50 per operation, mallocs per operation) and the machine they came from: docs/benchmarks.md §10.
import Benchmark
import Foundation
import RelaisBenchmarkSupport
import RelaisTLS

// MARK: - Set-up

/// A development certificate in a fresh temporary folder, and the two contexts built from it.
struct Contexts {
    let server: TLSContext
    let client: TLSContext

    init() throws {
        let dir = NSTemporaryDirectory() + "relais-tls-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try CertificateGenerator.writeSelfSigned(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem")
        server = try TLSContext.server(certificateChainPath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem")
        client = try TLSContext.client(verifyPeer: true, trustedCAPath: dir + "/cert.pem")
    }
}

/// Moves every pending record from `sender` to `receiver` and lets the receiver process them.
func pump(_ sender: inout TLSSession, to receiver: inout TLSSession, wire: inout [UInt8], plain: inout [UInt8])
    -> TLSSession.ProcessResult
{
    sender.takeCiphertext(into: &wire)
    wire.withUnsafeBytes { receiver.receive(ciphertext: $0) }
    wire.removeAll(keepingCapacity: true)
    return receiver.process(plaintext: &plain)
}

/// Runs the handshake between two new sessions to the end, including the client's reading of the server's
/// TLS 1.3 session tickets (so the first application record does not pay for them).
func handshake(client: inout TLSSession, server: inout TLSSession, wire: inout [UInt8], plain: inout [UInt8]) {
    _ = client.process(plaintext: &plain)  // ClientHello
    for _ in 0..<4 where !(client.isHandshakeComplete && server.isHandshakeComplete) {
        _ = pump(&client, to: &server, wire: &wire, plain: &plain)
        _ = pump(&server, to: &client, wire: &wire, plain: &plain)
    }
    precondition(client.isHandshakeComplete && server.isHandshakeComplete && plain.isEmpty, "TLS handshake failed")
    _ = pump(&server, to: &client, wire: &wire, plain: &plain)
}

/// A client and a server session past their handshake, kept for the whole run so that every sample measures
/// the steady-state record path. `wire` and `plain` are the reused buffers a connection would have.
final class SessionPair {
    var client: TLSSession
    var server: TLSSession
    var wire: [UInt8] = []
    var plain: [UInt8] = []

    init(_ contexts: Contexts) throws {
        client = try TLSSession(context: contexts.client, serverName: "localhost")
        server = try TLSSession(context: contexts.server)
        wire.reserveCapacity(32 * 1024)
        plain.reserveCapacity(32 * 1024)
        handshake(client: &client, server: &server, wire: &wire, plain: &plain)
    }

    /// Seals `message` on the client, opens it on the server.
    func transfer(_ message: [UInt8]) {
        try! message.withUnsafeBytes { try client.send(plaintext: $0) }
        let result = pump(&client, to: &server, wire: &wire, plain: &plain)
        precondition(result == .ok && plain.count == message.count)
        plain.removeAll(keepingCapacity: true)
    }
}

/// Made on first use (not when the suite is only listed).
final class Lazy<Value> {
    private let make: () throws -> Value
    private var made: Value?

    init(_ make: @escaping () throws -> Value) { self.make = make }

    var value: Value {
        if let made { return made }
        let value = try! make()
        made = value
        return value
    }
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = RelaisBenchmarks.configuration(warmupIterations: 10)
    let contexts = Lazy { try Contexts() }
    let pair = Lazy { try SessionPair(contexts.value) }
    let message256 = [UInt8](repeating: UInt8(ascii: "x"), count: 256)
    let message16K = [UInt8](repeating: UInt8(ascii: "y"), count: 16 * 1024)

    Benchmark("seal-open-256B") { benchmark in
        let pair = pair.value
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { pair.transfer(message256) }
    }

    Benchmark("seal-open-16KiB", configuration: .init(scalingFactor: .one)) { benchmark in
        let pair = pair.value
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { pair.transfer(message16K) }
    }

    // Two new sessions from the shared contexts per operation: SSL_new on both sides, ECDHE (X25519), the
    // server's ECDSA signature and the client's verification of it, two session tickets, SSL_free.
    Benchmark("handshake-tls13-client-server",
              configuration: .init(warmupIterations: 3, scalingFactor: .one)) { benchmark in
        let contexts = contexts.value
        var wire: [UInt8] = [], plain: [UInt8] = []
        wire.reserveCapacity(32 * 1024)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var client = try! TLSSession(context: contexts.client, serverName: "localhost")
            var server = try! TLSSession(context: contexts.server)
            handshake(client: &client, server: &server, wire: &wire, plain: &plain)
        }
    }
}
