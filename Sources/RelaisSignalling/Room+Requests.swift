import RelaisCore

extension Room {
    func handleRequest(_ session: SessionID, _ parsed: ParsedRequest) {
        guard let p = participant(for: session) else { return }  // a late message from a superseded connection
        let rid = parsed.rid
        switch parsed.request {
        case .join:
            sendError(p, rid: rid, code: "already_joined", message: "this connection has already joined")
        case .relay(let kind, let to, let payload):
            relay(from: p, kind: kind, to: to, payload: payload, rid: rid)
        case .admit(let target):
            guard requireClinician(p, rid), let member = lobbyMember(target, p, rid) else { return }
            guard admitted.count < maxParticipants else {
                sendError(p, rid: rid, code: "room_full", message: "the visit already has \(maxParticipants) participants")
                return
            }
            admit(member, by: p)
            sendAck(p, rid: rid)
        case .deny(let target):
            guard requireClinician(p, rid), let member = lobbyMember(target, p, rid) else { return }
            lobbyQueue.removeAll { $0 == member.id }
            send(member, "denied") { $0.field("reason", "denied") }
            if let s = member.session { actions.append(.close(s, code: 4403, reason: "denied")) }
            audit(.deny, member, actor: p.id)
            forget(member)
            for clinician in clinicians where clinician.id != p.id {
                send(clinician, "participant-left") { json in json.field("participant", member.id); json.field("reason", "denied") }
            }
            refreshLobbyPositions()
            sendAck(p, rid: rid)
        case .remove(let target):
            guard requireClinician(p, rid) else { return }
            guard let member = participants[target], member.id != p.id else {
                sendError(p, rid: rid, code: "unknown_participant", message: "no such participant in this visit")
                return
            }
            remove(member, actor: p.id)
            sendAck(p, rid: rid)
        case .end:
            guard requireClinician(p, rid) else { return }
            sendAck(p, rid: rid)
            endVisit(reason: "ended", actor: p.id, closeCode: 4410)
        case .consent(let granted, let version):
            consent(p, granted: granted, version: version, rid: rid)
        case .stats(let report, let peer):
            guard p.admission == .admitted else {
                sendError(p, rid: rid, code: "forbidden", message: "waiting-room members do not send stats")
                return
            }
            actions.append(.qualityReport(participant: p.id, peer: peer, report: report, rid: rid))
        case .ping(let t):
            send(p, "pong") { json in
                if let t { json.key("t"); json.rawValue(t) }
                json.field("serverTime", nowMs)
                if let rid { json.field("rid", rid) }
            }
        case .ack(let seq):
            p.replay.acknowledge(upTo: seq)
        case .leave:
            sendAck(p, rid: rid)
            if let s = p.session { actions.append(.close(s, code: 1000, reason: "left")) }
            audit(.leave, p)
            depart(p, reason: "left")
        }
    }

    private func requireClinician(_ p: Participant, _ rid: String?) -> Bool {
        guard p.role == .clinician, p.admission == .admitted else {
            sendError(p, rid: rid, code: "forbidden", message: "only clinicians may do this")
            return false
        }
        return true
    }

    private func lobbyMember(_ id: String, _ p: Participant, _ rid: String?) -> Participant? {
        guard let member = participants[id], member.admission == .lobby else {
            sendError(p, rid: rid, code: "not_in_lobby", message: "no such participant in the waiting room")
            return nil
        }
        return member
    }

    func admit(_ member: Participant, by clinician: Participant) {
        lobbyQueue.removeAll { $0 == member.id }
        member.admission = .admitted
        send(member, "admitted") { json in
            json.key("participant")
            writeParticipant(member, into: &json)
            writeRoom(for: member, into: &json)
            writeRoster(excluding: member, into: &json)
            writeICEServers(for: member, into: &json)
        }
        audit(.admit, member, actor: clinician.id)
        announceJoined(member)
        refreshLobbyPositions()
    }

    func refreshLobbyPositions() {
        for id in lobbyQueue { if let member = participants[id] { sendLobbyStatus(member) } }
    }

    private func consent(_ p: Participant, granted: Bool, version: String?, rid: String?) {
        guard p.role == .patient else {
            sendError(p, rid: rid, code: "forbidden", message: "only the patient gives consent")
            return
        }
        if granted, let version, version != consentVersion {
            sendError(p, rid: rid, code: "consent_version_mismatch", message: "this visit uses consent version \(consentVersion)")
            return
        }
        p.consentGranted = granted
        p.consentVersion = granted ? consentVersion : nil
        audit(.consent, p, detail: granted ? "granted:\(consentVersion)" : "withdrawn")
        let recipients = admitted.filter { $0.id != p.id } + [p]
        for r in recipients {
            send(r, "consent") { json in
                json.field("participant", p.id)
                json.field("granted", granted)
                json.field("version", consentVersion)
            }
        }
        sendAck(p, rid: rid)
    }

    /// Whether media negotiation may flow between two admitted participants under the consent policy.
    func consentAllows(_ a: Participant, _ b: Participant) -> Bool {
        guard consentRequired else { return true }
        for x in [a, b] where x.role == .patient && !x.consentGranted { return false }
        return true
    }

    private func relay(from p: Participant, kind: RelayKind, to: String, payload: [UInt8], rid: String?) {
        guard p.admission == .admitted else {
            sendError(p, rid: rid, code: "forbidden", message: "admission is needed before negotiating media")
            return
        }
        guard let target = participants[to], target.admission == .admitted, target.id != p.id else {
            sendError(p, rid: rid, code: "unknown_participant", message: "no such participant in this visit")
            return
        }
        guard consentAllows(p, target) else {
            sendError(p, rid: rid, code: "consent_required", message: "the patient has not consented yet")
            return
        }
        send(target, kind.rawValue) { json in
            json.field("from", p.id)
            json.key(kind.payloadField)
            json.rawValue(payload)
        }
        sendAck(p, rid: rid)
    }
}
