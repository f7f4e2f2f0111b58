import Foundation
import RelaisServer
import RelaisSignalling
import RelaisWebSocket
import Testing

/// `/api/v1/feed` over real WebSockets: refused before the upgrade without the admin token, the three ways to
/// present it, the filters, and the events of a visit created through the API and joined by real clients.
@Suite struct FeedTests {
    static let token = "feed-admin-token"

    private func feedServer() throws -> TestServer {
        try TestServer.signalling { $0.adminTokens = [Self.token] }
    }

    /// A feed client; `auth` picks how the token travels.
    private func subscribe(_ server: TestServer, query: String = "", auth: String = "header") throws -> SignalClient {
        var options = WebSocketClient.Options()
        var path = "/api/v1/feed"
        var parameters = query.isEmpty ? [] : [query]
        switch auth {
        case "header": options.extraHeaders = [("Authorization", "Bearer \(Self.token)")]
        case "query": parameters.append("token=\(Self.token)")
        case "subprotocol": options.subprotocols = ["relais.feed.v1", "bearer.\(Self.token)"]
        default: break
        }
        if !parameters.isEmpty { path += "?" + parameters.joined(separator: "&") }
        let client = SignalClient(client: try server.client(path, options: options))
        try client.expect("subscribed")
        return client
    }

    private func upgradeStatus(_ server: TestServer, _ target: String, headers: String = "") throws -> (Int, String) {
        let request = "GET \(target) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\(headers)\r\n"
        let response = try rawHTTP(try server.stream(), request)
        let status = Int(response.split(separator: " ").dropFirst().first ?? "") ?? -1
        return (status, response)
    }

    private func api(_ server: TestServer, _ method: String, _ path: String, body: String? = nil) throws -> Int {
        var args = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-X", method,
                    "-H", "Authorization: Bearer \(Self.token)"]
        if body != nil { args += ["-H", "Content-Type: application/json", "--data-binary", "@-"] }
        return Int(try run("curl", args + ["http://127.0.0.1:\(server.port)\(path)"], stdin: body).stdout) ?? -1
    }

    /// Every message until one of `type` arrives (included), failing on close or timeout.
    private func collect(_ feed: SignalClient, until type: String, timeout: Duration = .seconds(5)) throws -> [[String: Any]] {
        var seen: [[String: Any]] = []
        while true {
            guard let message = try feed.next(timeout: timeout) else { throw SignalTestError.closedWhileWaiting(type, code: nil) }
            seen.append(message)
            if message["type"] as? String == type { return seen }
        }
    }

    /// Sends `stats` from each patient every 0.4 s (the first score needs a 5 s window to close) until the feed has
    /// carried `quality` for `visits` different visits; returns those messages. Fails on any other event type.
    private func reportUntilQuality(from patients: [SignalClient], feed: SignalClient, visits: Int = 1, onlyQuality: Bool = false) throws
        -> [[String: Any]] {
        var found: [String: [String: Any]] = [:]
        var t = 0.0
        let start = Date()
        while found.count < visits && Date().timeIntervalSince(start) < 20 {
            for pat in patients {
                try pat.send(["type": "stats", "report": QualityWiringTests.compactReport(t: t), "peer": "doc", "rid": "s\(Int(t * 10))"])
                try pat.expect("ack")
            }
            t += 0.4
            while let message = try? feed.next(timeout: .milliseconds(400)) {  // nil: a quiet 400 ms
                if onlyQuality { #expect(message["type"] as? String == "quality", "\(message)") }
                guard message["type"] as? String == "quality" else { continue }
                found[message["visit"] as? String ?? ""] = message
            }
        }
        #expect(found.count == visits, "quality for \(found.keys.sorted()) after \(Int(Date().timeIntervalSince(start))) s")
        return Array(found.values)
    }

    @Test func withoutTheAdminTokenTheUpgradeIsRefusedWith401() throws {
        let server = try feedServer()
        for (target, headers) in [("/api/v1/feed", ""), ("/api/v1/feed?token=wrong", ""),
                                  ("/api/v1/feed", "Authorization: Bearer wrong\r\n"),
                                  ("/api/v1/feed", "Sec-WebSocket-Protocol: relais.feed.v1, bearer.wrong\r\n")] {
            let (status, response) = try upgradeStatus(server, target, headers: headers)
            #expect(status == 401, "\(target) \(headers): \(response)")
            #expect(response.contains(#""code":"unauthorized""#))
            #expect(!response.lowercased().contains("sec-websocket-accept"))
        }
        #expect(try upgradeStatus(server, "/api/v1/feed?types=quality,bogus&token=\(Self.token)").0 == 400)
        #expect(server.server.feedSubscribers == 0)
        // No token configured: the feed is off like the rest of the admin API.
        let bare = try TestServer.signalling()
        let (status, response) = try upgradeStatus(bare, "/api/v1/feed?token=anything")
        #expect(status == 401 && response.contains("admin_api_disabled"))
    }

    @Test(arguments: ["header", "query", "subprotocol"])
    func theTokenIsAcceptedInEachPlace(auth: String) throws {
        let server = try feedServer()
        let feed = try subscribe(server, auth: auth)
        if auth == "subprotocol" { #expect(feed.ws.subprotocol == "relais.feed.v1") }  // the token is never echoed
        #expect(eventually { server.server.feedSubscribers == 1 })
        try feed.ws.close()
        #expect(eventually { server.server.feedSubscribers == 0 })
    }

    @Test func aVisitCreatedThroughTheAPIStreamsItsLifeAndQuality() throws {
        let server = try feedServer()
        let feed = try subscribe(server)
        #expect(try api(server, "POST", "/api/v1/visits", body: #"{"id":"feed-v","participants":[{"role":"clinician","id":"doc"}]}"#) == 201)
        let started = try feed.expect("visit-started")
        #expect(started["visit"] as? String == "feed-v" && started["source"] as? String == "api")
        let (doc, pat) = try admittedVisit(server, room: "feed-v")
        var events = try collect(feed, until: "participant-admitted")
        let roster = events.filter { ($0["type"] as? String)?.hasPrefix("participant-") == true }
            .map { "\($0["type"]!) \($0["participant"]!) \($0["role"]!) \($0["state"] ?? "-")" }
        #expect(roster == ["participant-joined doc clinician admitted", "participant-joined pat patient lobby",
                           "participant-admitted pat patient -"])
        #expect(events.contains { $0["type"] as? String == "consent" && $0["participant"] as? String == "pat" && $0["granted"] as? Bool == true })

        let quality = try #require(try reportUntilQuality(from: [pat], feed: feed).first)
        #expect(quality["visit"] as? String == "feed-v" && quality["participant"] as? String == "pat")
        #expect(["EXCELLENT", "GOOD"].contains(quality["level"] as? String ?? ""))
        #expect(quality["method"] as? String == "relais-emodel-1")
        #expect(((quality["audio"] as? [String: Any])?["mos"] as? Double ?? 0) > 4)

        try pat.send(["type": "leave"])
        events = try collect(feed, until: "participant-left")
        #expect(events.last?["participant"] as? String == "pat" && events.last?["reason"] as? String == "left")
        #expect(try api(server, "DELETE", "/api/v1/visits/feed-v") == 200)
        let ended = try feed.expect("visit-ended")
        #expect(ended["visit"] as? String == "feed-v" && ended["reason"] as? String == "ended" && ended["recorded"] as? Bool == true)
        _ = doc
    }

    @Test func theVisitAndTypeFiltersKeepOnlyWhatWasAskedFor() throws {
        let server = try feedServer()
        let onlyB = try subscribe(server, query: "visit=filter-b")
        let onlyQuality = try subscribe(server, query: "types=quality")
        let overview = try subscribe(server, query: "types=overview")
        // Two visits; only B's events may reach the visit-filtered feed.
        let (_, patA) = try admittedVisit(server, room: "filter-a")
        let (_, patB) = try admittedVisit(server, room: "filter-b")
        // The quality-only feed sees both visits' quality and nothing else.
        _ = try reportUntilQuality(from: [patA, patB], feed: onlyQuality, visits: 2, onlyQuality: true)
        let seenB = try collect(onlyB, until: "quality")
        // (The fleet-wide overview carries no visit and passes a visit filter by design.)
        #expect(seenB.allSatisfy { $0["type"] as? String == "overview" || $0["visit"] as? String == "filter-b" }, "\(seenB)")
        #expect(seenB.contains { $0["type"] as? String == "visit-started" })
        // Nothing of A follows either (B's later quality or nothing at all within a short wait).
        while let more = try? onlyB.next(timeout: .milliseconds(300)) {
            #expect(more["visit"] == nil || more["visit"] as? String == "filter-b", "\(more)")
        }
        // The fleet overview comes every 5 s with counts by level.
        let fleet = try overview.expect("overview", timeout: .seconds(7))
        #expect(fleet["visits"] as? Int == 2)
        #expect(((fleet["participantsByLevel"] as? [String: Int]) ?? [:]).values.reduce(0, +) >= 2)
        #expect(fleet["mos"] is [String: Any])
    }
}
