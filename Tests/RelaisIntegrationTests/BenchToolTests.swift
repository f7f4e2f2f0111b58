import Foundation
import RelaisServer
import Testing

/// `relais bench` against a real server: every scenario runs, stops by itself and reports sane numbers.
@Suite(.serialized) struct BenchToolTests {
    private func bench(_ arguments: [String], server: TestServer) throws -> [String: Any] {
        let result = try run("env", ["RELAIS_TOKEN_SECRET=\(Tokens.secret)", TestPaths.relaisBinary, "bench"] + arguments
                             + ["--port", String(server.port), "--server-pid", String(getpid())], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    @Test func echoScenarioMeasuresRoundTrips() throws {
        let server = try TestServer.signalling { $0.echoRatePerSecond = 0 }
        let r = try bench(["echo", "--connections", "8", "--duration", "1", "--warmup", "0.2"], server: server)
        #expect((r["msg_per_s"] as? Double ?? 0) > 100)
        #expect(r["errors"] as? Double == 0)
        #expect(r["lost"] as? Double == 0)
        let p50 = r["latency_p50_us"] as? Double ?? 0, p99 = r["latency_p99_us"] as? Double ?? 0, p999 = r["latency_p999_us"] as? Double ?? 0
        #expect(p50 > 0 && p50 <= p99 && p99 <= p999)
        #expect(r["generator_saturated"] != nil)
    }

    @Test func relayScenarioAtAFixedRateDeliversEverything() throws {
        let server = try TestServer.signalling()
        let r = try bench(["relay", "--pairs", "10", "--rate", "400", "--duration", "1.5", "--warmup", "0.3"], server: server)
        let rate = r["msg_per_s"] as? Double ?? 0
        #expect(rate > 300 && rate < 500, "\(r)")
        #expect(r["errors"] as? Double == 0)
        #expect(r["lost"] as? Double == 0)
        #expect((r["sent"] as? Double ?? 0) > 0)
    }

    @Test func statsScenarioGetsEveryReportAcknowledged() throws {
        let server = try TestServer.signalling()
        let r = try bench(["stats", "--connections", "40", "--interval", "0.5", "--duration", "2", "--warmup", "0.6"], server: server)
        let rate = r["report_per_s"] as? Double ?? 0
        #expect(rate > 60 && rate < 100, "\(r)")
        #expect(r["errors"] as? Double == 0)
        #expect(r["lost"] as? Double == 0)
    }

    @Test func connectionsScenarioHoldsAndChecksEveryConnection() throws {
        let server = try TestServer.signalling()
        let r = try bench(["connections", "--connections", "200", "--hold", "0.3"], server: server)
        #expect(r["opened"] as? Double == 200)
        #expect(r["alive_after_hold"] as? Double == 200)
    }
}
