import Foundation
import RelaisCore
import RelaisSignalling
import RelaisTLS
import RelaisWebSocket
import Testing

/// The `relais` binary as ops run it: signals, draining, certificate reload, refusal to start insecurely.
@Suite(.serialized) struct ProcessLifecycleTests {
    private func startRelais(_ extra: [String]) throws -> (Process, UInt16, Pipe) {
        try launchRelais(["--token-secret", "lifecycle-secret", "--data-dir", NSTemporaryDirectory() + "relais-proc-\(UUID().uuidString)"] + extra)
    }


    @Test func sigtermClosesWebSocketsWith1001AndExitsCleanly() throws {
        let (process, port, _) = try startRelais([])
        let client = try WebSocketClient(host: "127.0.0.1", port: port, path: "/v1/echo")
        try client.send(text: "hi")
        #expect(try client.receiveMessage() == .text(Array("hi".utf8)))
        kill(process.processIdentifier, SIGTERM)
        #expect(try client.receiveMessage() == .closed(code: .goingAway, reason: "server shutting down"))
        try? client.close(code: .goingAway)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func sighupReloadsTheCertificateWithoutDroppingConnections() throws {
        let dir = NSTemporaryDirectory() + "relais-reload-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let cert = dir + "/c.pem", key = dir + "/k.pem"
        try CertificateGenerator.writeSelfSigned(certificatePath: cert, privateKeyPath: key)
        let firstCert = try String(contentsOfFile: cert, encoding: .utf8)
        let (process, port, _) = try startRelais(["--tls-cert", cert, "--tls-key", key])
        defer { process.terminate(); process.waitUntilExit() }
        let old = try WebSocketClient(host: "127.0.0.1", port: port, path: "/v1/echo",
                                      tls: try TLSContext.client(trustedCAPath: cert), serverName: "localhost")
        // New certificate on disk, then SIGHUP.
        try CertificateGenerator.writeSelfSigned(certificatePath: cert, privateKeyPath: key)
        #expect(try String(contentsOfFile: cert, encoding: .utf8) != firstCert)
        kill(process.processIdentifier, SIGHUP)
        // New connections are served with the new certificate (only it is trusted now)...
        let trustsNew = try TLSContext.client(trustedCAPath: cert)
        var fresh: WebSocketClient?
        for _ in 0..<50 where fresh == nil {
            fresh = try? WebSocketClient(host: "127.0.0.1", port: port, path: "/v1/echo", tls: trustsNew, serverName: "localhost")
            if fresh == nil { usleep(20_000) }
        }
        #expect(fresh != nil)
        // ...and the connection made before the reload still works.
        try old.send(text: "still")
        #expect(try old.receiveMessage() == .text(Array("still".utf8)))
    }

    @Test func refusesPlaintextOnAPublicAddress() throws {
        let result = try run(TestPaths.relaisBinary, ["serve", "--host", "0.0.0.0", "--port", "0", "--token-secret", "x",
                                                      "--data-dir", NSTemporaryDirectory() + "relais-refuse-\(getpid())"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("refusing plain ws/http"))
    }

    @Test func certCommandWritesAUsableCertificate() throws {
        let dir = NSTemporaryDirectory() + "relais-cert-cmd-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let result = try run(TestPaths.relaisBinary, ["cert", "--cert", dir + "/c.pem", "--key", dir + "/k.pem", "--name", "relais.test"])
        #expect(result.status == 0)
        let text = try run("openssl", ["x509", "-in", dir + "/c.pem", "-noout", "-text"]).stdout
        #expect(text.contains("DNS:localhost"))
        #expect(text.contains("DNS:relais.test"))
        #expect(text.contains("IP Address:127.0.0.1"))
        _ = try TLSContext.server(certificateChainPath: dir + "/c.pem", privateKeyPath: dir + "/k.pem")
    }
}

/// `relais config check`: validation, precedence (flags > environment > file > defaults), redaction.
@Suite struct ConfigurationTests {
    private func check(_ file: String?, env: [String] = []) throws -> ProcessResult {
        try run("env", env + [TestPaths.relaisBinary, "config", "check"] + (file.map { [$0] } ?? []))
    }

    private func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "relais-config-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theExampleFileIsValidAndSecretsAreRedacted() throws {
        let example = TestPaths.testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/relais.example.json").path
        let result = try check(example, env: ["RELAIS_TOKEN_SECRET=super-secret-value", "RELAIS_ADMIN_TOKEN=admin-secret-value"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""port":8443"#))
        #expect(result.stdout.contains(#""token-secret":"(set)""#))
        #expect(!result.stdout.contains("super-secret-value") && !result.stdout.contains("admin-secret-value"))
    }

    @Test func environmentBeatsTheFileAndTheFileBeatsDefaults() throws {
        let path = try write(#"{"port": 7000, "max-participants": 4, "host": "127.0.0.1"}"#)
        let fileOnly = try check(path)
        #expect(fileOnly.stdout.contains(#""port":7000"#))
        #expect(fileOnly.stdout.contains(#""max-participants":4"#))
        #expect(fileOnly.stdout.contains(#""max-lobby":20"#))  // default
        let envWins = try check(path, env: ["RELAIS_PORT=7001", "RELAIS_MAX_PARTICIPANTS=3", "RELAIS_STUN_URL=stun:a:1,stun:b:2"])
        #expect(envWins.stdout.contains(#""port":7001"#))
        // Every flag has an environment variable: RELAIS_ + the flag name in capitals.
        #expect(envWins.stdout.contains(#""max-participants":3"#))
        #expect(envWins.stdout.contains(#""stun-url":["stun:a:1","stun:b:2"]"#))
        let coalesce = try check(path, env: ["RELAIS_LOOP_COALESCE_US=300"])
        #expect(coalesce.stdout.contains(#""loop-coalesce-us":300"#), "\(coalesce.stdout)")
        let tooLong = try check(path, env: ["RELAIS_LOOP_COALESCE_US=50000"])
        #expect(tooLong.status != 0 && tooLong.stderr.contains("0…10000"), "\(tooLong.stderr)")
        let badEnv = try check(path, env: ["RELAIS_MAX_LOBBY=many"])
        #expect(badEnv.status != 0)
        #expect(badEnv.stderr.contains("RELAIS_MAX_LOBBY"))
    }

    @Test(arguments: [(#"{"port": "x"}"#, "must be an integer"), (#"{"prot": 1}"#, "unknown key"), ("{", "invalid JSON"),
                      (#"{"allowed-origin": "https://a"}"#, "a list of strings")])
    func invalidFilesAreRefusedWithTheReason(text: String, reason: String) throws {
        let result = try check(try write(text))
        #expect(result.status != 0)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
    }

    @Test func aPublicAddressWithoutATokenSecretIsRefused() throws {
        let result = try check(try write(#"{"host": "::", "tls-cert": "/c.pem", "tls-key": "/k.pem"}"#))
        #expect(result.status != 0)
        #expect(result.stderr.contains("RELAIS_TOKEN_SECRET"))
    }
}

/// SIGTERM while messages are flowing: nothing the server acknowledged is lost, and the audit chain verifies.
@Suite struct ShutdownUnderLoadTests {
    @Test func sigtermUnderLoadLosesNoAcknowledgedMessage() throws {
        let data = NSTemporaryDirectory() + "relais-sigterm-\(UUID().uuidString)"
        let (process, port, _) = try launchRelais(["--token-secret", Tokens.secret, "--data-dir", data, "--signal-rate", "0"])
        let server = PortOnly(port: port)

        let doc = try SignalClient(server: server)
        try doc.join(Tokens.mint("doc", room: "sigterm-visit", .clinician))
        try doc.expect("joined")
        let guest = try SignalClient(server: server)
        try guest.join(Tokens.mint("g", room: "sigterm-visit", .guest))
        try guest.expect("lobby")
        try doc.send(["type": "admit", "participant": "g"])
        try guest.expect("admitted")

        // The guest streams offers to the clinician and reads its acks; SIGTERM lands in the middle.
        let acked = LockedSet()
        let handedOver = HandOver(guest)  // from here on only the sender thread touches `guest`
        let sender = Thread {
            let guest = handedOver.value
            for i in 0..<5000 {
                guard (try? guest.send(["type": "offer", "to": "doc", "sdp": "m=\(i)", "rid": "\(i)"])) != nil else { break }
                while let m = try? guest.next(timeout: .milliseconds(1)), let type = m["type"] as? String {
                    if type == "ack", let rid = m["rid"] as? String, let n = Int(rid) { acked.insert(n) }
                }
            }
            // Drain the remaining acks until the server closes us.
            while let m = try? guest.next(timeout: .seconds(3)) {
                if m["type"] as? String == "ack", let rid = m["rid"] as? String, let n = Int(rid) { acked.insert(n) }
            }
        }
        sender.start()
        var received = Set<Int>()
        var ended = false
        while let m = try doc.next(timeout: .seconds(10)) {
            if m["type"] as? String == "offer", let sdp = m["sdp"] as? String, let n = Int(sdp.dropFirst(2)) { received.insert(n) }
            if received.count == 300 { kill(process.processIdentifier, SIGTERM) }
            if m["type"] as? String == "ended" { ended = (m["reason"] as? String) == "server_shutdown" }
        }
        process.waitUntilExit()
        while !sender.isFinished { usleep(10_000) }
        #expect(ended)
        #expect(process.terminationStatus == 0)
        #expect(acked.count >= 300)
        let lost = acked.values.subtracting(received)
        #expect(lost.isEmpty, "acknowledged but never delivered: \(lost.sorted().prefix(10))")
        let verify = try run(TestPaths.relaisBinary, ["audit", "verify", data + "/audit.log"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }
}

/// A server known only by its port (a `relais` process started by the test).
struct PortOnly { let port: UInt16 }

extension SignalClient {
    convenience init(server: PortOnly) throws {
        try self.init(client: WebSocketClient(host: "127.0.0.1", port: server.port, path: "/v1/signal"))
    }
}

final class LockedSet: @unchecked Sendable {
    private let lock = NSLock()
    private var set = Set<Int>()
    func insert(_ v: Int) { lock.lock(); set.insert(v); lock.unlock() }
    var values: Set<Int> { lock.lock(); defer { lock.unlock() }; return set }
    var count: Int { values.count }
}

/// Moves a non-Sendable value to one other thread, which is its only user afterwards.
final class HandOver<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Persistence: ended visits and their quality history survive a restart of the process.
@Suite struct RestartTests {
    private func start(data: String) throws -> (Process, UInt16) {
        let (process, port, _) = try launchRelais(["--token-secret", Tokens.secret, "--data-dir", data, "--admin-token", "restart-admin"])
        return (process, port)
    }

    private func get(_ port: UInt16, _ path: String) throws -> [String: Any] {
        let r = try run("curl", ["-s", "-H", "Authorization: Bearer restart-admin", "http://127.0.0.1:\(port)\(path)"])
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
    }

    @Test func endedVisitsAndQualityHistorySurviveARestart() throws {
        let data = NSTemporaryDirectory() + "relais-restart-\(UUID().uuidString)"
        let (first, port) = try start(data: data)
        let server = PortOnly(port: port)
        let doc = try SignalClient(server: server)
        try doc.join(Tokens.mint("doc", room: "kept-visit", .clinician))
        try doc.expect("joined")
        let guest = try SignalClient(server: server)
        try guest.join(Tokens.mint("g", room: "kept-visit", .guest))
        try guest.expect("lobby")
        try doc.send(["type": "admit", "participant": "g"])
        try guest.expect("admitted")
        // Twelve seconds of reports: at least one closed 5 s window.
        for i in 0..<13 {
            try guest.send(["type": "stats", "report": QualityWiringTests.compactReport(t: Double(i)), "rid": "s\(i)"])
            try guest.expect("ack")
            usleep(1_000_000)
        }
        try doc.send(["type": "end"])
        try doc.expect("ended")
        let before = try get(port, "/api/v1/visits/kept-visit/quality")
        let pointsBefore = (before["points"] as? [Any])?.count ?? 0
        #expect(pointsBefore >= 1)
        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()

        let (second, port2) = try start(data: data)
        defer { kill(second.processIdentifier, SIGTERM); second.waitUntilExit() }
        let list = try get(port2, "/api/v1/visits?state=ended")
        let ids = (list["visits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains("kept-visit"))
        let visit = try get(port2, "/api/v1/visits/kept-visit")
        #expect(visit["state"] as? String == "ended")
        #expect(visit["endReason"] as? String == "ended")
        #expect((visit["participants"] as? [[String: Any]])?.map { $0["id"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["doc", "g"])
        let after = try get(port2, "/api/v1/visits/kept-visit/quality")
        #expect((after["points"] as? [Any])?.count == pointsBefore)
        #expect(after["summary"] != nil)
    }
}

enum LifecycleError: Error { case noListenLine(String) }

/// Starts `relais serve --port 0 --loops 2 <arguments>` and returns the process, the port it reports on stderr
/// ("relais listening on 127.0.0.1:PORT …") and the stderr pipe.
func launchRelais(_ arguments: [String]) throws -> (Process, UInt16, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestPaths.relaisBinary)
    process.arguments = ["serve", "--port", "0", "--loops", "2"] + arguments
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    var line = ""
    while !line.contains("listening") || !line.hasSuffix("\n") {
        let byte = err.fileHandleForReading.readData(ofLength: 1)
        if byte.isEmpty { break }
        line += String(decoding: byte, as: UTF8.self)
    }
    guard let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
          let port = UInt16(line[range].split(separator: ":").last ?? "") else {
        process.terminate()
        throw LifecycleError.noListenLine(line)
    }
    return (process, port, err)
}
