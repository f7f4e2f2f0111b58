import Foundation
import RelaisServer
import RelaisSignalling
import Testing

/// `/api/v1` end to end with curl: auth everywhere, visit creation with tokens that really join, listing,
/// pagination, detail, quality, overview, audit, ending and removing.
@Suite struct AdminAPITests {
    static let token = "api-secret-token"

    private func call(_ server: TestServer, _ method: String, _ path: String, body: String? = nil, auth: Bool = true) throws
        -> (status: Int, json: [String: Any]) {
        var args = ["-s", "-S", "--max-time", "10", "-w", "\n%{http_code}", "-X", method]
        if auth { args += ["-H", "Authorization: Bearer \(Self.token)"] }
        if body != nil { args += ["-H", "Content-Type: application/json", "--data-binary", "@-"] }
        args.append("http://127.0.0.1:\(server.port)\(path)")
        let result = try run("curl", args, stdin: body)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let json = (try? JSONSerialization.jsonObject(with: Data(lines.dropLast().joined(separator: "\n").utf8))) as? [String: Any] ?? [:]
        return (Int(lines.last ?? "") ?? -1, json)
    }

    private func apiServer(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer.signalling { config in
            config.adminTokens = [Self.token]
            configure(&config)
        }
    }

    @Test(arguments: [("GET", "/api/v1/visits"), ("POST", "/api/v1/visits"), ("GET", "/api/v1/visits/x"),
                      ("DELETE", "/api/v1/visits/x"), ("GET", "/api/v1/visits/x/quality"), ("GET", "/api/v1/visits/x/audit"),
                      ("DELETE", "/api/v1/visits/x/participants/y"), ("GET", "/api/v1/overview"), ("POST", "/api/v1/stats")])
    func everyEndpointNeedsTheBearerToken(method: String, path: String) throws {
        let server = try apiServer()
        let (status, json) = try call(server, method, path, body: method == "POST" ? "{}" : nil, auth: false)
        #expect(status == 401)
        #expect(json["code"] as? String == "unauthorized")
    }

    @Test func createdVisitHandsOutTokensThatJoinIt() throws {
        let server = try apiServer()
        let body = #"{"id":"sched-1","consentRequired":false,"maxDurationSeconds":3600,"participants":[{"role":"clinician","id":"doc-9"},{"role":"patient","id":"pat-9","singleUse":true}]}"#
        let (status, created) = try call(server, "POST", "/api/v1/visits", body: body)
        #expect(status == 201)
        let people = try #require(created["participants"] as? [[String: Any]])
        #expect(people.map { $0["id"] as? String } == ["doc-9", "pat-9"])
        let docToken = try #require(people[0]["token"] as? String)
        let doc = try SignalClient(server)
        try doc.join(docToken)
        let joined = try doc.expect("joined")
        #expect((joined["room"] as? [String: Any])?["id"] as? String == "sched-1")
        #expect(((joined["room"] as? [String: Any])?["consent"] as? [String: Any])?["required"] as? Bool == false)
        // The same id again is a conflict.
        #expect(try call(server, "POST", "/api/v1/visits", body: body).status == 409)
        let (detailStatus, detail) = try call(server, "GET", "/api/v1/visits/sched-1")
        #expect(detailStatus == 200)
        #expect(detail["state"] as? String == "live")
        #expect((detail["participants"] as? [[String: Any]])?.first?["id"] as? String == "doc-9")
        #expect(detail["endsAt"] != nil)
    }

    @Test func aVisitWithoutLobbyAdmitsPatientsOnArrival() throws {
        let server = try apiServer()
        let body = #"{"id":"no-lobby","lobby":false,"consentRequired":false,"participants":[{"role":"clinician","id":"d"},{"role":"patient","id":"p"}]}"#
        let (status, created) = try call(server, "POST", "/api/v1/visits", body: body)
        #expect(status == 201)
        let tokens = (created["participants"] as? [[String: Any]] ?? []).compactMap { $0["token"] as? String }
        let doc = try SignalClient(server)
        try doc.join(tokens[0])
        try doc.expect("joined")
        let pat = try SignalClient(server)
        try pat.join(tokens[1])
        let joined = try pat.expect("joined")
        #expect(joined["lobby"] as? Bool == false)
        #expect((joined["participants"] as? [[String: Any]])?.first?["id"] as? String == "d")
        try doc.expect("participant-joined")
    }

    @Test(arguments: [#"{}"#, #"{"participants":[]}"#, #"{"participants":[{"role":"admin"}]}"#, #"{"id":"bad id","participants":[{"role":"patient"}]}"#,
                      #"{"participants":[{"role":"patient","endsAt":1}],"endsAt":{}}"#, #"{"participants":[{"role":"guest","relation":"cousin"}]}"#, "not json"])
    func invalidVisitBodiesAre400(body: String) throws {
        let server = try apiServer()
        let (status, json) = try call(server, "POST", "/api/v1/visits", body: body)
        #expect(status == 400)
        #expect(json["code"] as? String == "invalid_visit")
    }

    @Test func listFiltersByStateAndPaginatesWithACursor() throws {
        let server = try apiServer()
        for i in 0..<5 {
            #expect(try call(server, "POST", "/api/v1/visits", body: #"{"id":"list-\#(i)","participants":[{"role":"clinician"}]}"#).status == 201)
            usleep(2_000)
        }
        #expect(try call(server, "DELETE", "/api/v1/visits/list-0").status == 200)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let path = "/api/v1/visits?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
            let (status, page) = try call(server, "GET", path)
            #expect(status == 200)
            seen += (page["visits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            cursor = page["nextCursor"] as? String
        } while cursor != nil
        #expect(seen == ["list-4", "list-3", "list-2", "list-1", "list-0"])
        let ended = try call(server, "GET", "/api/v1/visits?state=ended").json["visits"] as? [[String: Any]]
        #expect(ended?.map { $0["id"] as? String } == ["list-0"])
        #expect(ended?.first?["endReason"] as? String == "ended")
        #expect(try call(server, "GET", "/api/v1/visits?state=bogus").status == 400)
        #expect(try call(server, "GET", "/api/v1/visits?cursor=%25%25").status == 400)
        #expect(try call(server, "GET", "/api/v1/visits?limit=x").status == 400)
    }

    @Test func deletingAVisitEndsItForEveryone() throws {
        let server = try apiServer()
        let (doc, pat) = try admittedVisit(server, room: "api-end")
        #expect(try call(server, "DELETE", "/api/v1/visits/api-end").status == 200)
        #expect(try doc.expect("ended")["reason"] as? String == "ended")
        #expect(try pat.expectClose() == 4410)
        #expect(try call(server, "DELETE", "/api/v1/visits/api-end").status == 409)
        #expect(try call(server, "DELETE", "/api/v1/visits/never-was").status == 404)
    }

    @Test func removingAParticipantClosesItWith4403() throws {
        let server = try apiServer()
        let (doc, pat) = try admittedVisit(server, room: "api-remove")
        #expect(try call(server, "DELETE", "/api/v1/visits/api-remove/participants/pat").status == 200)
        #expect(try pat.expectClose() == 4403)
        #expect(try doc.expect("participant-left")["reason"] as? String == "removed")
        #expect(try call(server, "DELETE", "/api/v1/visits/api-remove/participants/nobody").status == 404)
    }

    @Test func qualityOverviewAndAuditAnswerWithTheirShapes() throws {
        let path = NSTemporaryDirectory() + "relais-api-audit-\(UUID().uuidString).log"
        let server = try apiServer { $0.auditLogPath = path }
        let (_, pat) = try admittedVisit(server, room: "api-quality")
        for i in 0..<4 {
            try pat.send(["type": "stats", "report": QualityWiringTests.compactReport(t: Double(i)), "rid": "s\(i)"])
            try pat.expect("ack")
        }
        let (qs, quality) = try call(server, "GET", "/api/v1/visits/api-quality/quality?step=10")
        #expect(qs == 200)
        #expect(quality["method"] as? String == "relais-emodel-1")
        #expect(quality["points"] is [Any])
        #expect(try call(server, "GET", "/api/v1/visits/api-quality/quality?step=7").status == 400)
        #expect(try call(server, "GET", "/api/v1/visits/none/quality").status == 404)
        let (os, overview) = try call(server, "GET", "/api/v1/overview")
        #expect(os == 200)
        #expect((overview["visits"] as? Int ?? 0) >= 1)
        #expect(overview["participantsByLevel"] is [String: Any])
        let (ast, audit) = try call(server, "GET", "/api/v1/visits/api-quality/audit")
        #expect(ast == 200)
        let events = (audit["entries"] as? [[String: Any]] ?? []).compactMap { ($0["entry"] as? [String: Any])?["event"] as? String }
        #expect(events.starts(with: ["join", "lobby_wait", "consent", "admit"]))
        #expect((audit["chain"] as? [String: Any])?["valid"] as? Bool == true)
    }
}
