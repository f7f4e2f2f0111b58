import RelaisCore

extension Room {
    /// A connection dropped without `leave`: keep the participant `reconnecting` for the grace period.
    func disconnected(_ session: SessionID) {
        guard let p = participant(for: session) else { return }
        sessions[session] = nil
        p.presence = .reconnecting
        p.graceGeneration += 1
        let watchers = p.admission == .admitted ? admitted.filter { $0.id != p.id } : clinicians
        for other in watchers {
            send(other, "participant-reconnecting") { $0.field("participant", p.id) }
        }
        actions.append(.schedule(.grace(participant: p.id, generation: p.graceGeneration),
                                 afterMilliseconds: Int64(configuration.resumeGrace.components.seconds) * 1000
                                    + configuration.resumeGrace.components.attoseconds / 1_000_000_000_000_000))
        updateClinicianPresence()
    }

    /// `join` with a resume token: replay everything after `lastSeq`, then carry on.
    func resume(_ session: SessionID, _ request: ResumeRequest, claims: TokenClaims?) {
        if removedResumeTokens.contains(request.token) {
            refuseResume(session, code: "removed", message: "you were removed from this visit", close: 4403)
            return
        }
        if ended {
            refuseResume(session, code: "visit_ended", message: "this visit has ended", close: 4410)
            return
        }
        guard let p = participants.values.first(where: { $0.resumeToken == request.token }) else {
            refuseResume(session, code: "resume_invalid", message: "unknown or expired resume token", close: 4401)
            return
        }
        let lastSent = p.nextSeq - 1
        let oldest = p.replay.oldestSeq ?? p.nextSeq
        guard request.lastSeq <= lastSent, request.lastSeq >= oldest - 1 else {
            refuseResume(session, code: "replay_unavailable", message: "messages after lastSeq are no longer available; join again",
                         close: 4400)
            return
        }
        let wasReconnecting = p.presence == .reconnecting
        if let old = p.session {
            // The old connection is still open from our side (a half-open TCP): this one replaces it.
            actions.append(.close(old, code: 4409, reason: "superseded by a resumed connection"))
            sessions[old] = nil
        }
        p.presence = .connected(session)
        p.graceGeneration += 1
        sessions[session] = p.id
        p.resumeToken = newResumeToken()
        // `resumed` has no seq of its own: the replayed messages keep theirs and new ones continue after them.
        var json = JSONWriter()
        json.beginObject()
        json.field("type", "resumed")
        json.field("replayFrom", request.lastSeq + 1)
        json.field("replayTo", lastSent)
        writeResume(p, into: &json)
        if p.admission == .admitted { writeICEServers(for: p, into: &json) }
        json.endObject()
        actions.append(.send(session, json.bytes))
        for message in p.replay.messages(after: request.lastSeq) { actions.append(.send(session, message)) }
        audit(.resume, p)
        if wasReconnecting {
            let watchers = p.admission == .admitted ? admitted.filter { $0.id != p.id } : clinicians
            for other in watchers { send(other, "participant-resumed") { $0.field("participant", p.id) } }
        }
        updateClinicianPresence()
    }

    private func refuseResume(_ session: SessionID, code: String, message: String, close: UInt16) {
        refuseWithoutSession(session, code: code, message: message, close: close, audit: .resumeFailed)
    }

    /// Error without seq, close, audit: the refusal of a join or resume.
    func refuseWithoutSession(_ session: SessionID, code: String, message: String, close: UInt16, audit kind: AuditEvent.Kind) {
        actions.append(.send(session, SessionlessError.bytes(code: code, message: message)))
        actions.append(.close(session, code: close, reason: code))
        actions.append(.audit(AuditEvent(kind: kind, room: id, detail: code, timeMs: nowMs)))
    }

    func timerFired(_ timer: RoomTimer) {
        switch timer {
        case .grace(let id, let generation):
            guard let p = participants[id], p.presence == .reconnecting, p.graceGeneration == generation else { return }
            audit(.timeout, p)
            depart(p, reason: "timeout")
        case .endingWarning(let secondsLeft):
            guard !ended else { return }
            for p in order.compactMap({ participants[$0] }) where p.admission == .admitted {
                send(p, "ending") { json in
                    json.field("reason", "time_limit")
                    json.field("secondsLeft", secondsLeft)
                    if let endsAtMs { json.field("endsAt", endsAtMs) }
                }
            }
        case .timeLimit:
            endVisit(reason: "time_limit", actor: nil, closeCode: 4410)
        case .emptyCheck:
            break  // the driver decides using `isEmpty`
        }
    }

    /// Removes a participant for good (left, timed out); others are told with `reason`.
    func depart(_ p: Participant, reason: String) {
        let wasAdmitted = p.admission == .admitted
        lobbyQueue.removeAll { $0 == p.id }
        forget(p)
        let watchers = wasAdmitted ? admitted : clinicians
        for other in watchers {
            send(other, "participant-left") { json in json.field("participant", p.id); json.field("reason", reason) }
        }
        if !wasAdmitted { refreshLobbyPositions() }
        updateClinicianPresence()
    }

    /// A clinician (or the admin API, actor `api`) removes someone: no resume, and a fresh token leads to the
    /// lobby, never straight in.
    func remove(_ p: Participant, actor: String) {
        send(p, "ended") { $0.field("reason", "removed") }
        if let s = p.session { actions.append(.close(s, code: 4403, reason: "removed")) }
        removedResumeTokens.insert(p.resumeToken)
        removedParticipants.insert(p.id)
        audit(.remove, p, actor: actor)
        depart(p, reason: "removed")
    }

    func forget(_ p: Participant) {
        pastParticipants.removeAll { $0.id == p.id }
        pastParticipants.append(ParticipantSummary(id: p.id, role: p.role, relation: p.relation, state: "gone",
                                                   consentGranted: p.consentGranted, joinedAtMs: p.joinedAt))
        if let s = p.session { sessions[s] = nil }
        participants[p.id] = nil
        order.removeAll { $0 == p.id }
        actions.append(.qualityForget(participant: p.id))
    }

    /// Ends the visit for everyone: `ended`, then close with `closeCode`.
    func endVisit(reason: String, actor: String?, closeCode: UInt16) {
        guard !ended else { return }
        ended = true
        endReason = reason
        actions.append(.audit(AuditEvent(kind: .end, room: id, actor: actor, detail: reason, timeMs: nowMs)))
        for p in order.compactMap({ participants[$0] }) {
            send(p, "ended") { $0.field("reason", reason) }
            if let s = p.session { actions.append(.close(s, code: closeCode, reason: reason)) }
            forget(p)
        }
        lobbyQueue = []
    }
}
