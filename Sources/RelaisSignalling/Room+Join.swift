import RelaisCore

extension Room {
    func join(_ context: JoinContext) {
        if let resume = context.resume {
            self.resume(context.session, resume, claims: context.claims)
            return
        }
        guard let claims = context.claims else { return }
        if ended {
            refuse(context.session, code: "visit_ended", message: "this visit has ended", close: 4410)
            return
        }
        if let existing = participants[claims.subject] {
            rejoin(existing, claims: claims, session: context.session)
            return
        }
        let startsAdmitted = (claims.role == .clinician || !lobbyEnabled) && !removedParticipants.contains(claims.subject)
        if startsAdmitted && admitted.count >= maxParticipants {
            refuse(context.session, code: "room_full", message: "the visit already has \(maxParticipants) participants", close: 4403)
            return
        }
        if !startsAdmitted && lobbyQueue.count >= configuration.maxLobby {
            refuse(context.session, code: "lobby_full", message: "the waiting room is full", close: 4403)
            return
        }
        let p = Participant(
            id: claims.subject, role: claims.role, relation: claims.relation, name: claims.name,
            admission: startsAdmitted ? .admitted : .lobby, session: context.session, resumeToken: newResumeToken(),
            replay: ReplayBuffer(maxMessages: configuration.replayMaxMessages, maxBytes: configuration.replayMaxBytes),
            nowMs: nowMs)
        participants[p.id] = p
        order.append(p.id)
        sessions[context.session] = p.id
        if startsAdmitted {
            sendJoinedAdmitted(p)
            audit(.join, p)
            announceJoined(p)
        } else {
            lobbyQueue.append(p.id)
            sendJoinedLobby(p)
            audit(.lobbyWait, p)
            for clinician in clinicians { send(clinician, "lobby-waiting") { json in json.key("participant"); writeParticipant(p, into: &json) } }
        }
        updateClinicianPresence()
    }

    /// Refuses a join before a session exists: the error carries no seq.
    func refuse(_ session: SessionID, code: String, message: String, close: UInt16) {
        refuseWithoutSession(session, code: code, message: message, close: close, audit: .authFailed)
    }

    /// A known participant joins again with a fresh token: supersede the old connection, or return after leaving.
    private func rejoin(_ p: Participant, claims: TokenClaims, session: SessionID) {
        if let old = p.session {
            actions.append(.close(old, code: 4409, reason: "superseded by a newer connection"))
            sessions[old] = nil
        }
        let wasVisible = p.admission == .admitted
        p.presence = .connected(session)
        sessions[session] = p.id
        p.graceGeneration += 1
        p.name = claims.name ?? p.name
        // A new device negotiates afresh: new session numbering, empty replay, new resume token.
        p.nextSeq = 1
        p.replay.reset()
        p.resumeToken = newResumeToken()
        audit(.superseded, p)
        if wasVisible {
            for other in admitted where other.id != p.id {
                send(other, "participant-left") { json in json.field("participant", p.id); json.field("reason", "superseded") }
            }
            sendJoinedAdmitted(p)
            announceJoined(p)
        } else {
            sendJoinedLobby(p)
        }
        updateClinicianPresence()
    }

    func sendJoinedAdmitted(_ p: Participant) {
        send(p, "joined") { json in
            json.key("participant")
            writeParticipant(p, into: &json)
            writeRoom(for: p, into: &json)
            writeRoster(excluding: p, into: &json)
            writeICEServers(for: p, into: &json)
            writeResume(p, into: &json)
            if p.role == .clinician {
                // Clinicians get the current lobby as a list (see docs/protocol.md on the `lobby` field).
                json.key("lobby")
                json.beginArray()
                for id in lobbyQueue {
                    if let member = participants[id] { writeParticipant(member, into: &json, includeName: true) }
                }
                json.endArray()
            } else {
                json.field("lobby", false)
            }
        }
    }

    func sendJoinedLobby(_ p: Participant) {
        send(p, "joined") { json in
            json.key("participant")
            writeParticipant(p, into: &json)
            json.key("room")
            json.beginObject()
            json.field("id", id)
            if p.role == .patient {
                json.key("consent")
                json.beginObject()
                json.field("required", consentRequired)
                json.field("version", consentVersion)
                json.field("granted", p.consentGranted)
                json.endObject()
            }
            json.endObject()
            writeResume(p, into: &json)
            json.field("lobby", true)
        }
        sendLobbyStatus(p)
    }

    func writeResume(_ p: Participant, into json: inout JSONWriter) {
        json.key("resume")
        json.beginObject()
        json.field("token", p.resumeToken)
        json.field("ttl", Int(configuration.resumeGrace.components.seconds))
        json.endObject()
    }

    func sendLobbyStatus(_ p: Participant) {
        guard let position = lobbyQueue.firstIndex(of: p.id) else { return }
        send(p, "lobby") { json in
            json.field("position", position + 1)
            json.field("clinicianPresent", clinicianPresent)
        }
    }

    /// Tells every other admitted participant that `p` is in the room.
    func announceJoined(_ p: Participant) {
        for other in admitted where other.id != p.id {
            send(other, "participant-joined") { json in json.key("participant"); writeParticipant(p, into: &json) }
        }
    }

    /// Lobby members learn when a clinician arrives or leaves (presence only, never who).
    func updateClinicianPresence() {
        let present = clinicianPresent
        guard present != lastClinicianPresence else { return }
        lastClinicianPresence = present
        for id in lobbyQueue { if let member = participants[id] { sendLobbyStatus(member) } }
    }
}
