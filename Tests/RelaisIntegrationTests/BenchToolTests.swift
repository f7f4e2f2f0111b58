import Foundation
import RelaisServer
import RelaisTLS
import Testing

/// `relais bench` against a real server: every scenario runs, stops by itself and reports sane numbers.
@Suite(.serialized) struct BenchToolTests {
    private func bench(_ arguments: [String], server: TestServer) throws -> [String: Any] {
        let result = try run("env", ["RELAIS_TOKEN_SECRET=\(Tokens.secret)", TestPaths.relaisBinary, "bench"] + arguments
                             + ["--port", String(server.port), "--server-pid", String(getpid()), "--json"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    /// `--tls` plus the test CA, so the client verifies the server certificate (SNI "localhost") as a browser would.
    private func transport(_ tls: Bool) -> [String] { tls ? ["--tls", "--ca", TestCertificates.certificate] : [] }

    /// Every scenario's result says which transport it measured, and its HdrHistogram percentiles are ordered.
    private func expectTransportAndOrderedLatencies(_ r: [String: Any], tls: Bool) {
        #expect(r["transport"] as? String == (tls ? "tls" : "tcp"), "\(r)")
        let p50 = r["latency_p50_us"] as? Double ?? 0, p99 = r["latency_p99_us"] as? Double ?? 0
        let p999 = r["latency_p999_us"] as? Double ?? 0, max = r["latency_max_us"] as? Double ?? 0
        #expect(p50 > 0 && p50 <= p99 && p99 <= p999 && p999 <= max, "\(r)")
    }

    @Test(arguments: [false, true]) func echoScenarioMeasuresRoundTrips(tls: Bool) throws {
        let server = try TestServer.signalling(tls: tls) { $0.echoRatePerSecond = 0 }
        let r = try bench(["echo", "--connections", "8", "--duration", "1", "--warmup", "0.2"] + transport(tls), server: server)
        #expect((r["msg_per_s"] as? Double ?? 0) > 100)
        #expect(r["errors"] as? Double == 0)
        #expect(r["lost"] as? Double == 0)
        expectTransportAndOrderedLatencies(r, tls: tls)
        #expect(r["generator_saturated"] != nil)
    }

    @Test(arguments: [false, true]) func relayScenarioAtAFixedRateDeliversEverything(tls: Bool) throws {
        let server = try TestServer.signalling(tls: tls)
        let r = try bench(["relay", "--pairs", "10", "--rate", "400", "--duration", "1.5", "--warmup", "0.3"] + transport(tls),
                          server: server)
        let rate = r["msg_per_s"] as? Double ?? 0
        #expect(rate > 300 && rate < 500, "\(r)")
        #expect(r["errors"] as? Double == 0)
        #expect(r["lost"] as? Double == 0)
        #expect((r["sent"] as? Double ?? 0) > 0)
        expectTransportAndOrderedLatencies(r, tls: tls)
    }

    /// Max speed: each sender's window is refilled by deliveries to its peer (no acks), and nothing is lost.
    @Test func relayScenarioAtMaxSpeedKeepsEveryWindowMovingWithoutLoss() throws {
        let server = try TestServer.signalling()
        let r = try bench(["relay", "--pairs", "4", "--in-flight", "4", "--duration", "1", "--warmup", "0.2"], server: server)
        #expect((r["msg_per_s"] as? Double ?? 0) > 500, "\(r)")
        #expect(r["errors"] as? Double == 0, "\(r)")
        #expect(r["lost"] as? Double == 0, "\(r)")
        expectTransportAndOrderedLatencies(r, tls: false)
    }

    @Test(arguments: [false, true]) func statsScenarioGetsEveryReportAcknowledged(tls: Bool) throws {
        let server = try TestServer.signalling(tls: tls)
        let r = try bench(["stats", "--connections", "40", "--interval", "0.5", "--duration", "2", "--warmup", "0.6"]
                          + transport(tls), server: server)
        let rate = r["report_per_s"] as? Double ?? 0
        #expect(rate > 60 && rate < 100, "\(r)")
        #expect(r["errors"] as? Double == 0)
        #expect(r["lost"] as? Double == 0)
        #expect(r["transport"] as? String == (tls ? "tls" : "tcp"), "\(r)")
    }

    @Test func connectionsScenarioHoldsAndChecksEveryConnection() throws {
        let server = try TestServer.signalling()
        let r = try bench(["connections", "--connections", "200", "--hold", "0.3"], server: server)
        #expect(r["opened"] as? Double == 200)
        #expect(r["alive_after_hold"] as? Double == 200)
    }

    @Test(arguments: [false, true]) func handshakesScenarioCompletesEveryUpgrade(tls: Bool) throws {
        let server = try TestServer.signalling(tls: tls)
        let r = try bench(["handshakes", "--connections", "4", "--duration", "1", "--warmup", "0.2"] + transport(tls), server: server)
        #expect((r["handshakes"] as? Double ?? 0) > 20, "\(r)")
        #expect(r["errors"] as? Double == 0, "\(r)")
        expectTransportAndOrderedLatencies(r, tls: tls)
    }

    @Test func handshakesOverTLSFailWhenTheCertificateIsNotTrusted() throws {
        let server = try TestServer.signalling(tls: true)
        // A real certificate, but not the server's: verification must reject every handshake.
        let directory = NSTemporaryDirectory() + "relais-untrusted-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try CertificateGenerator.writeSelfSigned(certificatePath: directory + "/cert.pem", privateKeyPath: directory + "/key.pem")
        let r = try bench(["handshakes", "--tls", "--ca", directory + "/cert.pem", "--connections", "2", "--duration", "0.5",
                           "--warmup", "0.1"], server: server)
        #expect(r["handshakes"] as? Double == 0, "\(r)")
        #expect((r["errors"] as? Double ?? 0) > 0, "\(r)")
    }

    @Test(arguments: [false, true]) func visitScenarioWalksWholeVisitsWithoutLoss(tls: Bool) throws {
        let server = try TestServer.signalling(tls: tls)
        // 2 s: a visit over TLS opens two TLS connections, slow in a debug build on a CI machine running other suites.
        let r = try bench(["visit", "--connections", "4", "--duration", "2", "--warmup", "0.2"] + transport(tls), server: server)
        // Every visit: join, lobby, admit, consent, offer/answer, 10 candidates, 2 acked reports, 2 leaves.
        #expect((r["visits"] as? Double ?? 0) >= 2, "\(r)")
        #expect(r["errors"] as? Double == 0, "\(r)")
        #expect(r["lost"] as? Double == 0, "\(r)")
        // 12 relayed messages per visit (offer, answer, 5 candidates each way): sent covers warm-up visits too.
        #expect((r["sent"] as? Double ?? 0) >= 12 * (r["visits"] as? Double ?? 0), "\(r)")
    }
}
