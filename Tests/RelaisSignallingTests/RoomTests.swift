import RelaisCore
import RelaisSignalling
import Testing

/// The room state machine on its own: lobby, consent, relay, resume, supersede, limits, ending.
struct RoomTests {
    /// A clinician and an admitted, consenting patient.
    static func visit() -> (RoomHarness, doc: SessionID, pat: SessionID) {
        let h = RoomHarness()
        let doc = h.join("doc", .clinician)
        let pat = h.join("pat", .patient)
        h.send(pat, #"{"type":"consent","granted":true,"version":"1"}"#)
        h.send(doc, #"{"type":"admit","participant":"pat"}"#)
        _ = h.take(doc)
        _ = h.take(pat)
        return (h, doc, pat)
    }

    @Test func clinicianIsAdmittedAndPatientWaitsInTheLobby() {
        let h = RoomHarness()
        let doc = h.join("doc", .clinician)
        let joined = h.take(doc)
        #expect(joined.first?["type"]?.stringValue == "joined")
        #expect(joined.first?["lobby"] == .array([]))
        let pat = h.join("pat", .patient)
        let lobby = h.take(pat)
        #expect(lobby.map { $0["type"]?.stringValue } == ["joined", "lobby"])
        #expect(lobby[0]["lobby"] == .bool(true))
        // A lobby member learns nothing about the room: no roster, no ICE servers.
        #expect(lobby[0]["participants"] == nil)
        #expect(lobby[0]["iceServers"] == nil)
        #expect(lobby[1]["position"] == .number(1))
        #expect(lobby[1]["clinicianPresent"] == .bool(true))
        #expect(h.types(doc) == ["lobby-waiting"])
    }

    @Test func clinicianArrivalNeverAdmitsAnyone() {
        let h = RoomHarness()
        let pat = h.join("pat", .patient)
        #expect(h.take(pat).last?["clinicianPresent"] == .bool(false))
        let doc = h.join("doc", .clinician)
        // The patient hears only that a clinician is present, and stays in the lobby.
        let update = h.take(pat)
        #expect(update.map { $0["type"]?.stringValue } == ["lobby"])
        #expect(update[0]["clinicianPresent"] == .bool(true))
        let joined = h.take(doc)[0]
        guard case .array(let lobby) = joined["lobby"] else { Issue.record("no lobby list"); return }
        #expect(lobby.first?["id"] == .string("pat"))
        #expect(h.room.roster.first { $0.id == "pat" }?.state == "lobby")
    }

    @Test func admitGivesRosterAndICEAndTellsTheOthers() {
        let h = RoomHarness()
        let doc = h.join("doc", .clinician)
        let pat = h.join("pat", .patient)
        _ = h.take(doc)
        _ = h.take(pat)
        h.send(doc, #"{"type":"admit","participant":"pat","rid":"r1"}"#)
        let admitted = h.take(pat)
        #expect(admitted.first?["type"] == .string("admitted"))
        #expect(admitted.first?["participants"] != nil)
        #expect(admitted.first?["iceServers"] != nil)
        #expect(h.types(doc) == ["participant-joined", "ack"])
    }

    @Test func onlyClinicianAdmitsDeniesRemovesOrEnds() {
        let h = RoomHarness()
        _ = h.join("doc", .clinician)
        let guest = h.join("g", .guest)
        let pat = h.join("pat", .patient)
        _ = h.take(guest)
        for request in [#"{"type":"admit","participant":"pat"}"#, #"{"type":"deny","participant":"pat"}"#,
                        #"{"type":"remove","participant":"doc"}"#, #"{"type":"end"}"#] {
            h.send(guest, request)
            #expect(h.take(guest).last?["code"] == .string("forbidden"))
        }
        #expect(h.room.roster.first { $0.id == "pat" }?.state == "lobby")
        _ = pat
    }

    @Test func denySendsDeniedAndCloses4403() {
        let h = RoomHarness()
        let doc = h.join("doc", .clinician)
        let pat = h.join("pat", .patient)
        _ = h.take(pat)
        h.send(doc, #"{"type":"deny","participant":"pat"}"#)
        #expect(h.types(pat) == ["denied"])
        #expect(h.closed[pat] == 4403)
        #expect(h.audits.contains { $0.kind == .deny && $0.participant == "pat" && $0.actor == "doc" })
    }

    @Test func noNegotiationWithAPatientBeforeConsent() {
        let h = RoomHarness()
        let doc = h.join("doc", .clinician)
        let pat = h.join("pat", .patient)
        h.send(doc, #"{"type":"admit","participant":"pat"}"#)
        _ = h.take(doc)
        _ = h.take(pat)
        h.send(pat, #"{"type":"offer","to":"doc","sdp":"v=0","rid":"o1"}"#)
        let refusal = h.take(pat)
        #expect(refusal.last?["code"] == .string("consent_required"))
        #expect(refusal.last?["rid"] == .string("o1"))
        h.send(doc, #"{"type":"candidate","to":"pat","candidate":null}"#)
        #expect(h.take(doc).last?["code"] == .string("consent_required"))
        #expect(h.take(pat).isEmpty)  // nothing reached the patient
        // Consent opens the path; withdrawal closes it again.
        h.send(pat, #"{"type":"consent","granted":true,"version":"1"}"#)
        #expect(h.types(doc) == ["consent"])
        h.send(pat, #"{"type":"offer","to":"doc","sdp":"v=0"}"#)
        #expect(h.take(doc).last?["sdp"] == .string("v=0"))
        h.send(pat, #"{"type":"consent","granted":false}"#)
        h.send(doc, #"{"type":"answer","to":"pat","sdp":"v=0"}"#)
        #expect(h.take(doc).last?["code"] == .string("consent_required"))
    }

    @Test func guestsAreNotGatedByConsentAndOnlyPatientsConsent() {
        let h = RoomHarness()
        let doc = h.join("doc", .clinician)
        let g = h.join("interp", .guest)
        h.send(doc, #"{"type":"admit","participant":"interp"}"#)
        _ = h.take(doc)
        _ = h.take(g)
        h.send(g, #"{"type":"offer","to":"doc","sdp":"v=0"}"#)
        let offer = h.take(doc).first
        #expect(offer?["type"] == .string("offer"))
        #expect(offer?["from"] == .string("interp"))
        h.send(g, #"{"type":"consent","granted":true}"#)
        #expect(h.take(g).last?["code"] == .string("forbidden"))
    }

    @Test func relayForwardsCandidatesAsSentWithFromAdded() {
        let (h, doc, pat) = Self.visit()
        h.send(pat, #"{"type":"candidate","to":"doc","candidate":{"candidate":"candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"abc"},"x-extra":1}"#)
        let got = h.take(doc)
        #expect(got.count == 1)
        #expect(got[0]["from"] == .string("pat"))
        #expect(got[0]["candidate"]?["sdpMLineIndex"] == .number(0))
        #expect(got[0]["x-extra"] == nil)
        h.send(pat, #"{"type":"candidate","to":"doc","candidate":null}"#)
        #expect(h.take(doc)[0]["candidate"] == .null)
        h.send(pat, #"{"type":"offer","to":"nobody","sdp":"v=0"}"#)
        #expect(h.take(pat).last?["code"] == .string("unknown_participant"))
    }

    @Test func seqIsContinuousPerSession() {
        let (h, doc, pat) = Self.visit()
        for i in 0..<5 { h.send(pat, #"{"type":"offer","to":"doc","sdp":"v=\#(i)"}"#) }
        let seqs = h.take(doc).compactMap { $0["seq"]?.int64Value }
        #expect(seqs == Array(seqs.first!..<(seqs.first! + 5)))
    }

    @Test func resumeReplaysExactlyTheMissedMessagesInOrder() throws {
        let (h, doc, pat) = Self.visit()
        h.send(pat, #"{"type":"ping","t":1}"#)
        let lastSeen = try #require(h.take(pat).last?["seq"]?.int64Value)
        let token = try #require(resumeToken(h, pat))
        h.drop(pat)
        #expect(h.types(doc) == ["participant-reconnecting"])
        for i in 0..<50 { h.send(doc, #"{"type":"offer","to":"pat","sdp":"m\#(i)"}"#) }
        let resumed = h.resume(token: token, lastSeq: Int(lastSeen))
        let messages = h.take(resumed)
        #expect(messages.first?["type"] == .string("resumed"))
        #expect(messages.first?["seq"] == nil)
        #expect(messages.first?["replayFrom"]?.int64Value == lastSeen + 1)
        let replayed = messages.dropFirst()
        #expect(replayed.count == 50)
        #expect(replayed.compactMap { $0["seq"]?.int64Value } == Array((lastSeen + 1)...(lastSeen + 50)))
        #expect(replayed.compactMap { $0["sdp"]?.stringValue } == (0..<50).map { "m\($0)" })
        #expect(h.types(doc) == ["participant-resumed"])
        // New messages continue after the replayed ones.
        h.send(doc, #"{"type":"offer","to":"pat","sdp":"after"}"#)
        #expect(h.take(resumed).first?["seq"]?.int64Value == lastSeen + 51)
    }

    @Test func graceExpiryMeansParticipantLeftWithTimeout() throws {
        let (h, doc, pat) = Self.visit()
        h.drop(pat)
        _ = h.take(doc)
        let grace = try #require(h.timers.last { if case .grace = $0.0 { return true } else { return false } })
        #expect(grace.1 == 30_000)
        h.fire(grace.0)
        let left = h.take(doc)
        #expect(left.first?["type"] == .string("participant-left"))
        #expect(left.first?["reason"] == .string("timeout"))
    }

    @Test func removedParticipantCannotResumeAndReturnsToTheLobby() throws {
        let (h, doc, pat) = Self.visit()
        let token = try #require(resumeToken(h, pat))
        h.send(doc, #"{"type":"remove","participant":"pat"}"#)
        #expect(h.closed[pat] == 4403)
        let attempt = h.resume(token: token, lastSeq: 0)
        #expect(h.take(attempt).first?["code"] == .string("removed"))
        #expect(h.closed[attempt] == 4403)
        // A fresh token leads to the lobby, never straight in, even for a clinician.
        let back = h.join("pat", .patient)
        #expect(h.take(back).first?["lobby"] == .bool(true))
    }

    @Test func secondConnectionSupersedesTheFirstKeepingAdmissionAndConsent() {
        let (h, doc, pat) = Self.visit()
        let newer = h.join("pat", .patient)
        #expect(h.closed[pat] == 4409)
        let joined = h.take(newer)
        #expect(joined.first?["type"] == .string("joined"))
        #expect(joined.first?["seq"] == .number(1))
        #expect(joined.first?["lobby"] == .bool(false))
        let others = h.take(doc)
        #expect(others.map { $0["type"]?.stringValue } == ["participant-left", "participant-joined"])
        #expect(others.first?["reason"] == .string("superseded"))
        h.send(newer, #"{"type":"offer","to":"doc","sdp":"v=0"}"#)
        #expect(h.take(doc).first?["type"] == .string("offer"))
    }

    @Test func admissionBeyondTheMaximumIsRoomFull() {
        var config = SignallingConfiguration()
        config.maxParticipants = 2
        let h = RoomHarness(configuration: config)
        let doc = h.join("doc", .clinician)
        _ = h.join("g1", .guest)
        _ = h.join("g2", .guest)
        h.send(doc, #"{"type":"admit","participant":"g1"}"#)
        _ = h.take(doc)
        h.send(doc, #"{"type":"admit","participant":"g2"}"#)
        #expect(h.take(doc).last?["code"] == .string("room_full"))
    }

    @Test func timeLimitWarnsThenEndsTheVisit() {
        let h = RoomHarness(maxDuration: 600)
        let doc = h.join("doc", .clinician)
        _ = h.take(doc)
        #expect(h.timers.contains { $0.0 == .timeLimit && $0.1 == 600_000 })
        #expect(h.timers.contains { $0.0 == .endingWarning(secondsLeft: 60) && $0.1 == 540_000 })
        h.fire(.endingWarning(secondsLeft: 60))
        #expect(h.take(doc).first?["secondsLeft"] == .number(60))
        h.fire(.timeLimit)
        #expect(h.take(doc).first?["reason"] == .string("time_limit"))
        #expect(h.closed[doc] == 4410)
        let late = h.join("late", .clinician)
        #expect(h.take(late).first?["code"] == .string("visit_ended"))
        #expect(h.closed[late] == 4410)
    }

    @Test func leaveIsFinal() throws {
        let (h, doc, pat) = Self.visit()
        let token = try #require(resumeToken(h, pat))
        h.send(pat, #"{"type":"leave"}"#)
        #expect(h.closed[pat] == 1000)
        #expect(h.take(doc).first?["reason"] == .string("left"))
        let attempt = h.resume(token: token, lastSeq: 0)
        #expect(h.closed[attempt] == 4401)
    }

    @Test func unknownTypesAndBadFieldsGetErrorsWithRid() {
        let (h, _, pat) = Self.visit()
        h.send(pat, #"{"type":"teleport","rid":"x"}"#)
        let e = h.take(pat).last
        #expect(e?["code"] == .string("unknown_type"))
        #expect(e?["rid"] == .string("x"))
        #expect(e?["seq"] != nil)
        h.send(pat, #"{"type":"offer","to":"doc"}"#)
        #expect(h.take(pat).last?["code"] == .string("bad_request"))
        h.send(pat, "not json")
        #expect(h.take(pat).last?["code"] == .string("bad_json"))
    }

    @Test func auditRecordsTheVisitWithOpaqueIdsOnly() {
        let (h, doc, _) = Self.visit()
        h.send(doc, #"{"type":"end"}"#)
        let kinds = h.audits.map(\.kind)
        #expect(kinds == [.join, .lobbyWait, .consent, .admit, .end])
        #expect(h.audits.allSatisfy { $0.detail?.contains("Ada") != true })
    }

    private func resumeToken(_ h: RoomHarness, _ s: SessionID) -> String? { h.resumeTokens[s] }
}
