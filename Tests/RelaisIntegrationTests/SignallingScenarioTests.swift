import Foundation
import RelaisCore
import RelaisServer
import RelaisSignalling
import RelaisWebSocket
import Testing

/// Protocol v1 scenarios over real WebSockets to a real server.
@Suite struct SignallingScenarioTests {
    @Test(arguments: [false, true])
    func twoPartyVisitEndToEnd(tls: Bool) throws {
        let server = try TestServer.signalling(tls: tls)
        let (doc, pat) = try admittedVisit(server, room: "visit-e2e")
        // The newcomer (patient) offers; the clinician answers; candidates trickle both ways.
        try pat.send(["type": "offer", "to": "doc", "sdp": "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n", "rid": "o1"])
        try pat.expect("ack")
        let offer = try doc.expect("offer")
        #expect(offer["from"] as? String == "pat")
        #expect(offer["sdp"] as? String == "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n")
        try doc.send(["type": "answer", "to": "pat", "sdp": "v=0\r\n"])
        #expect(try pat.expect("answer")["from"] as? String == "doc")
        let candidate: [String: Any] = ["candidate": "candidate:1 1 udp 1 198.51.100.7 9 typ host", "sdpMid": "0", "sdpMLineIndex": 0]
        try doc.send(["type": "candidate", "to": "pat", "candidate": candidate])
        let got = try pat.expect("candidate")
        #expect((got["candidate"] as? [String: Any])?["sdpMid"] as? String == "0")
        try doc.send(["type": "candidate", "to": "pat", "candidate": NSNull()])
        #expect(try pat.expect("candidate")["candidate"] is NSNull)
        try pat.send(["type": "ping", "t": 42, "rid": "p"])
        let pong = try pat.expect("pong")
        #expect(pong["t"] as? Int == 42)
        #expect((pong["serverTime"] as? Int ?? 0) > 1_700_000_000_000)
        try doc.send(["type": "end"])
        #expect(try pat.expect("ended")["reason"] as? String == "ended")
        #expect(try pat.expectClose() == 4410)
        // An ended visit cannot be entered again.
        let late = try SignalClient(server)
        try late.join(Tokens.mint("late", room: "visit-e2e", .clinician))
        #expect(try late.expect("error")["code"] as? String == "visit_ended")
        #expect(try late.expectClose() == 4410)
    }

    @Test func lobbyMemberLearnsNothingAndCannotNegotiate() throws {
        let server = try TestServer.signalling()
        let doc = try SignalClient(server)
        try doc.join(Tokens.mint("doc", room: "visit-lobby", .clinician))
        try doc.expect("joined")
        let guest = try SignalClient(server)
        try guest.join(Tokens.mint("fam", room: "visit-lobby", .guest))
        let joined = try guest.expect("joined")
        #expect(joined["lobby"] as? Bool == true)
        #expect(joined["participants"] == nil && joined["iceServers"] == nil)
        #expect(try guest.expect("lobby")["position"] as? Int == 1)
        try guest.send(["type": "offer", "to": "doc", "sdp": "v=0", "rid": "sneak"])
        #expect(try guest.expect("error")["code"] as? String == "forbidden")
        try guest.send(["type": "admit", "participant": "fam"])
        #expect(try guest.expect("error")["code"] as? String == "forbidden")
        // The clinician saw only the waiting notice, never a relayed offer.
        #expect(try doc.expect("lobby-waiting")["participant"] != nil)
        try doc.send(["type": "deny", "participant": "fam"])
        try guest.expect("denied")
        #expect(try guest.expectClose() == 4403)
    }

    @Test func patientOfferBeforeConsentIsRefusedAndNothingReachesTheClinician() throws {
        let server = try TestServer.signalling()
        let doc = try SignalClient(server)
        try doc.join(Tokens.mint("doc", room: "visit-consent", .clinician))
        try doc.expect("joined")
        let pat = try SignalClient(server)
        try pat.join(Tokens.mint("pat", room: "visit-consent", .patient))
        try pat.expect("lobby")
        try doc.send(["type": "admit", "participant": "pat"])
        try pat.expect("admitted")
        try pat.send(["type": "offer", "to": "doc", "sdp": "v=0", "rid": "early"])
        let error = try pat.expect("error")
        #expect(error["code"] as? String == "consent_required")
        #expect(error["rid"] as? String == "early")
        // Ping the clinician's queue: the next thing it sees after the join notices is our consent, not an offer.
        try pat.send(["type": "consent", "granted": true, "version": "1"])
        var seen: [String] = []
        while let m = try doc.next(), let type = m["type"] as? String {
            seen.append(type)
            if type == "consent" { break }
        }
        #expect(!seen.contains("offer"))
    }

    @Test func tokenForOneRoomNeverReachesAnother() throws {
        let server = try TestServer.signalling()
        let (doc, _) = try admittedVisit(server, room: "room-a")
        let other = try SignalClient(server)
        try other.join(Tokens.mint("doc-b", room: "room-b", .clinician))
        let joined = try other.expect("joined")
        #expect((joined["room"] as? [String: Any])?["id"] as? String == "room-b")
        #expect((joined["participants"] as? [Any])?.isEmpty == true)
        try other.send(["type": "offer", "to": "pat", "sdp": "v=0"])
        #expect(try other.expect("error")["code"] as? String == "unknown_participant")
        _ = doc
    }

    @Test(arguments: ["expired", "notYetValid", "wrongKey", "unknownKid", "garbage"])
    func badTokensAreRefusedWith4401(kind: String) throws {
        let server = try TestServer.signalling()
        let token: String
        switch kind {
        case "expired": token = Tokens.mint("p", room: "r", .patient, ttl: -120)
        case "notYetValid": token = Tokens.mint("p", room: "r", .patient, nbf: Int64(Date().timeIntervalSince1970) + 600)
        case "wrongKey": token = Tokens.mint("p", room: "r", .patient, secret: "not-the-secret")
        case "unknownKid": token = Tokens.mint("p", room: "r", .patient, secret: Tokens.secret, kid: "nope")
        default: token = "garbage"
        }
        let client = try SignalClient(server)
        try client.join(token)
        let error = try client.expect("error")
        #expect((error["code"] as? String)?.hasPrefix("token_") == true)
        #expect(error["seq"] == nil)
        #expect(try client.expectClose() == 4401)
    }

    @Test func rotatedKeyByKidIsAccepted() throws {
        let server = try TestServer.signalling()
        let client = try SignalClient(server)
        try client.join(Tokens.mint("p", room: "r-kid", .clinician, secret: "rotated-secret", kid: "k2"))
        try client.expect("joined")
    }

    @Test func singleUseTokenWorksOnce() throws {
        let server = try TestServer.signalling()
        let token = Tokens.mint("pat", room: "r-once", .patient, jti: "link-1")
        let first = try SignalClient(server)
        try first.join(token)
        try first.expect("joined")
        let second = try SignalClient(server)
        try second.join(token)
        #expect(try second.expect("error")["code"] as? String == "token_already_used")
        #expect(try second.expectClose() == 4401)
    }

    @Test func firstMessageMustBeJoinWithinTheDeadline() throws {
        let server = try TestServer.signalling { $0.joinDeadline = .milliseconds(300) }
        let silent = try SignalClient(server)
        #expect(try silent.expect("error")["code"] as? String == "join_timeout")
        #expect(try silent.expectClose() == 4408)
        let rude = try SignalClient(server)
        try rude.send(["type": "offer", "to": "x", "sdp": "v=0"])
        #expect(try rude.expect("error")["code"] as? String == "join_required")
        #expect(try rude.expectClose() == 4400)
    }

    @Test func secondConnectionSupersedesTheFirst() throws {
        let server = try TestServer.signalling()
        let (doc, pat) = try admittedVisit(server, room: "r-super")
        let newer = try SignalClient(server)
        try newer.join(Tokens.mint("pat", room: "r-super", .patient))
        let joined = try newer.expect("joined")
        #expect(joined["seq"] as? Int == 1)
        #expect(joined["lobby"] as? Bool == false)
        #expect(try pat.expectClose() == 4409)
        #expect(try doc.expect("participant-left")["reason"] as? String == "superseded")
        try doc.expect("participant-joined")
    }

    @Test func graceExpiryTellsOthersTimeout() throws {
        let server = try TestServer.signalling { $0.signalling.resumeGrace = .milliseconds(400) }
        let (doc, pat) = try admittedVisit(server, room: "r-grace")
        pat.ws.drop()
        try doc.expect("participant-reconnecting")
        let left = try doc.expect("participant-left", timeout: .seconds(5))
        #expect(left["reason"] as? String == "timeout")
    }

    @Test func maxParticipantsCountsAdmittedOnly() throws {
        let server = try TestServer.signalling { $0.signalling.maxParticipants = 2 }
        let (doc, _) = try admittedVisit(server, room: "r-full")
        let third = try SignalClient(server)
        try third.join(Tokens.mint("third", room: "r-full", .guest))
        try third.expect("lobby")
        try doc.send(["type": "admit", "participant": "third"])
        #expect(try doc.expect("error")["code"] as? String == "room_full")
    }

    @Test func messageFloodIsClosedWith4429() throws {
        let server = try TestServer.signalling {
            $0.signalMessageBurst = 20
            $0.signalMessagesPerSecond = 5
        }
        let (_, pat) = try admittedVisit(server, room: "r-flood")
        for i in 0..<60 { try? pat.send(["type": "ping", "t": i]) }
        #expect(try pat.expectClose() == 4429)
    }

    @Test func visitTimeLimitEndsWith4410() throws {
        let server = try TestServer.signalling()
        let doc = try SignalClient(server)
        try doc.join(Tokens.mint("doc", room: "r-limit", .clinician, maxDuration: 1))
        try doc.expect("joined")
        #expect(try doc.expect("ended", timeout: .seconds(5))["reason"] as? String == "time_limit")
        #expect(try doc.expectClose() == 4410)
    }

    @Test func auditLogIsHashChainedAndVerifies() throws {
        let path = NSTemporaryDirectory() + "relais-audit-\(UUID().uuidString).log"
        let server = try TestServer.signalling { $0.auditLogPath = path }
        let (doc, _) = try admittedVisit(server, room: "r-audit")
        try doc.send(["type": "end"])
        try doc.expect("ended")
        server.stop()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map { Array($0.utf8) }
        guard case .valid(let entries, _) = AuditChain.verify(lines: lines) else { Issue.record("chain broken"); return }
        #expect(entries >= 5)
        #expect(!text.contains("Name of"))  // display names never reach the audit log
        // Tampering with one entry breaks the chain at that line.
        var tampered = lines
        tampered[1] = Array(String(decoding: tampered[1], as: UTF8.self).replacingOccurrences(of: "lobby_wait", with: "join").utf8)
        #expect(AuditChain.verify(lines: tampered) == .broken(line: 2, reason: "hash does not match the entry"))
        let cli = try run(TestPaths.relaisBinary, ["audit", "verify", path])
        #expect(cli.status == 0)
        #expect(cli.stdout.hasPrefix("ok:"))
    }

    /// A restarted server continues the chain from the log's last line, read from the file's tail only; a log
    /// longer than the first tail window (64 KiB) exercises the window search.
    @Test(arguments: [3, 1_500]) func aRestartedWriterContinuesTheChain(eventsBefore: Int) throws {
        let path = NSTemporaryDirectory() + "relais-audit-chain-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (run, count) in [(0, eventsBefore), (1, 2)] {
            let writer = try AuditWriter(path: path)
            for i in 0..<count {
                writer.append(AuditEvent(kind: .join, room: "room-\(run)", participant: "p-\(i)", role: "patient", timeMs: Int64(i)))
            }
            writer.close()
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        #expect(lines.count == eventsBefore + 2)
        guard case .valid(let entries, _) = AuditChain.verify(lines: lines) else {
            Issue.record("the chain broke across the restart"); return
        }
        #expect(entries == eventsBefore + 2)
    }
}
