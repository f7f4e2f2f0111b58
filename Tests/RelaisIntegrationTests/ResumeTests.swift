import Foundation
import RelaisServer
import RelaisSignalling
import RelaisWebSocket
import Testing

/// Resume without loss: a socket killed in the middle of a burst, then `join` with the resume token.
@Suite struct ResumeTests {
    @Test func resumeAfterASocketKillMidBurstLosesAndDuplicatesNothing() throws {
        let server = try TestServer.signalling()
        let (doc, pat) = try admittedVisit(server, room: "r-resume")
        var seqs: [Int] = []
        var payloads: [Int] = []
        func record(_ m: [String: Any]) {
            if m["type"] as? String == "offer", let seq = m["seq"] as? Int, let sdp = m["sdp"] as? String, let n = Int(sdp.dropFirst(2)) {
                seqs.append(seq)
                payloads.append(n)
            }
        }
        for i in 0..<500 { try doc.send(["type": "offer", "to": "pat", "sdp": "m=\(i)"]) }
        // Read part of the burst, then kill the socket.
        while payloads.count < 200, let m = try pat.next() { record(m) }
        let token = try #require(pat.resumeToken)
        let lastSeq = pat.lastSeq
        pat.ws.drop()
        try doc.expect("participant-reconnecting")
        for i in 500..<1000 { try doc.send(["type": "offer", "to": "pat", "sdp": "m=\(i)"]) }
        let again = try SignalClient(server)
        try again.send(["type": "join", "resume": ["token": token, "lastSeq": lastSeq]])
        let resumed = try again.expect("resumed")
        #expect(resumed["replayFrom"] as? Int == lastSeq + 1)
        #expect(resumed["seq"] == nil)
        #expect(resumed["iceServers"] != nil)
        #expect((resumed["resume"] as? [String: Any])?["token"] as? String != token)
        while payloads.count < 1000, let m = try again.next() { record(m) }
        #expect(payloads == Array(0..<1000))
        #expect(seqs == Array(seqs[0]..<(seqs[0] + 1000)))
        try doc.expect("participant-resumed")
        // Traffic carries on after the replay.
        try again.send(["type": "ping", "t": 1])
        #expect(try again.expect("pong")["seq"] as? Int == seqs.last! + 1)
    }

    @Test func resumeAfterRemovalIsRefused() throws {
        let server = try TestServer.signalling()
        let (doc, pat) = try admittedVisit(server, room: "r-removed")
        let token = try #require(pat.resumeToken)
        try doc.send(["type": "remove", "participant": "pat"])
        #expect(try pat.expect("ended")["reason"] as? String == "removed")
        #expect(try pat.expectClose() == 4403)
        let again = try SignalClient(server)
        try again.send(["type": "join", "resume": ["token": token, "lastSeq": 0]])
        #expect(try again.expect("error")["code"] as? String == "removed")
        #expect(try again.expectClose() == 4403)
    }

    @Test func unknownResumeTokenIs4401() throws {
        let server = try TestServer.signalling()
        let client = try SignalClient(server)
        try client.send(["type": "join", "resume": ["token": "bm9wZQ.xyz", "lastSeq": 0]])
        #expect(try client.expect("error")["code"] as? String == "resume_invalid")
        #expect(try client.expectClose() == 4401)
    }

    @Test func slowReaderIsClosedWith4503WithoutHurtingTheOthers() throws {
        let server = try TestServer.signalling {
            $0.maxSendQueueBytes = 128 * 1024
            $0.signalMessagesPerSecond = 0
        }
        let (doc, pat) = try admittedVisit(server, room: "r-slow")
        let guest = try SignalClient(server)
        try guest.join(Tokens.mint("g", room: "r-slow", .guest))
        try guest.expect("lobby")
        try doc.send(["type": "admit", "participant": "g"])
        try guest.expect("admitted")
        // The patient stops reading while the clinician sends 30 MB of offers to it.
        let sdp = String(repeating: "a", count: 30_000)
        for _ in 0..<1000 where server.server.sendQueueOverflows == 0 {
            try doc.send(["type": "offer", "to": "pat", "sdp": sdp])
        }
        #expect(eventually { server.server.sendQueueOverflows >= 1 })
        try doc.send(["type": "offer", "to": "g", "sdp": "v=0"])
        #expect(try guest.expect("offer")["sdp"] as? String == "v=0")
        #expect(try pat.expectClose(timeout: .seconds(10)) == 4503)
    }
}
