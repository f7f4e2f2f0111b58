import Foundation
import RelaisServer
import RelaisSignalling
import Testing

/// `stats` messages and the HTTP batch ingest feed the quality pipeline; `quality` reaches the room.
@Suite struct QualityWiringTests {
    /// A compact report with counters advanced to time `t` (seconds): 50 audio packets/s, no loss.
    static func compactReport(t: Double) -> [String: Any] {
        let packets = Int(t * 50)
        return ["v": 1, "timestamp": 1_700_000_000_000 + t * 1000, "roundTripTime": 0.04,
                "streams": [["id": "a1", "kind": "audio", "dir": "in", "codec": "opus",
                             "packetsReceived": packets, "packetsLost": 0, "bytesReceived": packets * 80,
                             "jitter": 0.005, "roundTripTime": 0.04]]]
    }

    @Test func statsOverTheWebSocketProduceQualityForTheRoom() throws {
        let server = try TestServer.signalling()
        let (doc, pat) = try admittedVisit(server, room: "q-visit")
        var quality: [String: Any]?
        var t = 0.0
        let clock = Date()
        while quality == nil && Date().timeIntervalSince(clock) < 15 {
            try pat.send(["type": "stats", "report": Self.compactReport(t: t), "peer": "doc", "rid": "s\(Int(t * 2))"])
            let ack = try pat.expect("ack")
            #expect((ack["rid"] as? String)?.hasPrefix("s") == true)
            t += 0.5
            // Collect what the clinician got meanwhile.
            while let m = try? doc.next(timeout: .milliseconds(500)) {
                if m["type"] as? String == "quality" { quality = m; break }
            }
        }
        let q = try #require(quality)
        #expect(q["participant"] as? String == "pat")
        #expect(q["method"] as? String == "relais-emodel-1")
        #expect(["EXCELLENT", "GOOD"].contains(q["level"] as? String ?? ""))
        let audio = try #require(q["audio"] as? [String: Any])
        #expect((audio["mos"] as? Double ?? 0) > 4.0)
        #expect(q["seq"] != nil)
    }

    @Test func malformedStatsGetASpecificErrorAndChangeNothing() throws {
        let server = try TestServer.signalling()
        let (_, pat) = try admittedVisit(server, room: "q-bad")
        try pat.send(["type": "stats", "report": ["v": 1, "timestamp": 1, "streams": [["kind": "audio", "dir": "in", "packetsReceived": -5]]],
                      "rid": "bad"])
        let error = try pat.expect("error")
        #expect(error["rid"] as? String == "bad")
        #expect(error["code"] as? String == "negative_counter")
    }

    private func post(_ server: TestServer, _ body: String, token: String?) throws -> (Int, [String: Any]) {
        var args = ["-s", "-S", "--max-time", "10", "-w", "\n%{http_code}", "-X", "POST", "--data-binary", "@-",
                    "-H", "Content-Type: application/json"]
        if let token { args += ["-H", "Authorization: Bearer \(token)"] }
        args.append("http://127.0.0.1:\(server.port)/api/v1/stats")
        let result = try run("curl", args, stdin: body)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let json = (try? JSONSerialization.jsonObject(with: Data(lines.dropLast().joined(separator: "\n").utf8))) as? [String: Any] ?? [:]
        return (Int(lines.last ?? "") ?? -1, json)
    }

    @Test func httpBatchIngestNeedsTheBearerTokenAndReportsPerItemErrors() throws {
        let server = try TestServer.signalling { $0.adminTokens = ["admin-secret"] }
        let good = String(decoding: try JSONSerialization.data(withJSONObject: Self.compactReport(t: 1)), as: UTF8.self)
        let body = #"{"reports":[{"visit":"v-http","participant":"p1","report":\#(good)},{"visit":"v-http","participant":"p2","report":{"v":7,"streams":[]}}]}"#
        let (unauthorized, e1) = try post(server, body, token: nil)
        #expect(unauthorized == 401)
        #expect(e1["code"] as? String == "unauthorized")
        let (wrong, _) = try post(server, body, token: "nope")
        #expect(wrong == 401)
        let (status, result) = try post(server, body, token: "admin-secret")
        #expect(status == 202)
        let rejected = try #require(result["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1)
        #expect(rejected.first?["index"] as? Int == 1)
        #expect(rejected.first?["code"] as? String == "unsupported_version")
        let (badStatus, badBody) = try post(server, #"{"reports":{}}"#, token: "admin-secret")
        #expect(badStatus == 400)
        #expect(badBody["code"] as? String == "invalid_batch")
    }

    @Test func adminAPIWithoutConfiguredTokenIsRefused() throws {
        let server = try TestServer.signalling()
        let (status, body) = try post(server, #"{"reports":[]}"#, token: "anything")
        #expect(status == 401)
        #expect(body["code"] as? String == "admin_api_disabled")
    }
}
