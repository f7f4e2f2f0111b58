import RelaisCore

/// One visit room: participants, lobby, consent, relay, resume. A pure state machine: `handle` takes an input and
/// the time, and returns actions for the driver. Lives on one event loop; not thread-safe by design.
public final class Room {
    public let id: String
    public let configuration: SignallingConfiguration
    public private(set) var consentRequired: Bool
    public let consentVersion: String
    public private(set) var maxParticipants: Int
    /// Whether patients and guests wait in the lobby for a clinician's admission (default). A visit created
    /// without a lobby admits them on arrival; removed participants still go to the lobby.
    public let lobbyEnabled: Bool
    /// Wall-clock end of the visit (ms), when a time limit applies.
    public private(set) var endsAtMs: Int64?
    public internal(set) var ended = false
    public internal(set) var endReason: String?
    public let createdAtMs: Int64

    var participants: [String: Participant] = [:]
    /// Join order, for a stable roster.
    var order: [String] = []
    /// Lobby queue, oldest first.
    var lobbyQueue: [String] = []
    var sessions: [SessionID: String] = [:]
    var actions: [RoomAction] = []
    var nowMs: Int64 = 0
    var lastClinicianPresence = false
    /// Resume tokens of removed participants (a specific refusal instead of "unknown token").
    var removedResumeTokens: Set<String> = []
    /// Everyone who was in the visit and is gone, with the state they left in (`gone`), for the API.
    public internal(set) var pastParticipants: [ParticipantSummary] = []
    /// Participants removed by a clinician: a fresh token leads them to the lobby whatever their role.
    var removedParticipants: Set<String> = []

    public init(id: String, configuration: SignallingConfiguration, consentRequired: Bool? = nil,
                maxDurationSeconds: Int? = nil, maxParticipants: Int? = nil, endsAtMs: Int64? = nil, lobby: Bool = true, nowMs: Int64) {
        lobbyEnabled = lobby
        self.id = id
        self.configuration = configuration
        self.consentRequired = consentRequired ?? configuration.consentRequiredByDefault
        consentVersion = configuration.consentVersion
        self.maxParticipants = maxParticipants ?? configuration.maxParticipants
        createdAtMs = nowMs
        if let maxDurationSeconds { self.endsAtMs = nowMs + Int64(maxDurationSeconds) * 1000 }
        if let endsAtMs { self.endsAtMs = min(endsAtMs, self.endsAtMs ?? .max) }
    }

    /// Processes one input at wall-clock time `nowMs` and returns what to do, in order.
    public func handle(_ input: RoomInput, nowMs: Int64) -> [RoomAction] {
        self.nowMs = nowMs
        actions = []
        switch input {
        case .join(let context): join(context)
        case .request(let session, let request): handleRequest(session, request)
        case .disconnected(let session): disconnected(session)
        case .timer(let timer): timerFired(timer)
        case .shutdown: endVisit(reason: "server_shutdown", actor: nil, closeCode: 1001)
        case .invalid(let session, let error):
            if let p = participant(for: session) { sendError(p, rid: error.rid, code: error.code, message: error.message) }
        case .statsResult(let id, let rid, let error):
            guard let p = participants[id] else { break }
            if let error { sendError(p, rid: rid, code: error.code, message: error.message) } else { sendAck(p, rid: rid) }
        case .adminEnd:
            endVisit(reason: "ended", actor: "api", closeCode: 4410)
        case .adminRemove(let id):
            if let p = participants[id] { remove(p, actor: "api") }
        case .quality(let members):
            for p in admitted { send(p, "quality") { $0.rawMembers(members) } }
        }
        let out = actions
        actions = []
        return out
    }

    /// The timers to arm when the room is created (time limit and its warnings).
    public func initialTimers(nowMs: Int64) -> [RoomAction] {
        guard let endsAtMs else { return [] }
        var out: [RoomAction] = [.schedule(.timeLimit, afterMilliseconds: max(0, endsAtMs - nowMs))]
        for seconds in configuration.endingWarnings {
            let at = endsAtMs - Int64(seconds) * 1000
            if at > nowMs { out.append(.schedule(.endingWarning(secondsLeft: seconds), afterMilliseconds: at - nowMs)) }
        }
        return out
    }

    /// Whether nobody is connected or reconnecting (the driver may forget the room after a while).
    public var isEmpty: Bool { participants.isEmpty }

    /// Participants for the API and tests: (id, role, state) in join order.
    public var roster: [(id: String, role: ParticipantRole, state: String, consent: Bool)] {
        order.compactMap { participants[$0] }.map { ($0.id, $0.role, $0.stateName, $0.consentGranted) }
    }

    /// Participants as the admin API shows them (opaque ids, no names).
    public var participantSummaries: [ParticipantSummary] {
        order.compactMap { participants[$0] }.map {
            ParticipantSummary(id: $0.id, role: $0.role, relation: $0.relation, state: $0.stateName, consentGranted: $0.consentGranted,
                               joinedAtMs: $0.joinedAt)
        }
    }

    /// The participant a resume token belongs to.
    public func participantID(forResumeToken token: String) -> String? {
        participants.values.first { $0.resumeToken == token }?.id
    }

    // MARK: Helpers

    var admitted: [Participant] { order.compactMap { participants[$0] }.filter { $0.admission == .admitted } }
    var clinicians: [Participant] { admitted.filter { $0.role == .clinician } }
    var clinicianPresent: Bool { clinicians.contains { $0.session != nil } }

    func participant(for session: SessionID) -> Participant? {
        sessions[session].flatMap { participants[$0] }
    }

    func audit(_ kind: AuditEvent.Kind, _ p: Participant?, actor: String? = nil, detail: String? = nil) {
        actions.append(.audit(AuditEvent(kind: kind, room: id, participant: p?.id, role: p?.role.rawValue, actor: actor,
                                         detail: detail, timeMs: nowMs)))
    }

    /// Sends a session message: assigns the next seq, keeps it for replay, writes it if connected.
    func send(_ p: Participant, _ type: String, _ body: (inout JSONWriter) -> Void) {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("type", type)
        body(&json)
        json.field("seq", p.nextSeq)
        json.endObject()
        p.replay.append(seq: p.nextSeq, bytes: json.bytes)
        p.nextSeq += 1
        if let session = p.session { actions.append(.send(session, json.bytes)) }
    }

    func sendError(_ p: Participant, rid: String?, code: String, message: String) {
        send(p, "error") { json in
            if let rid { json.field("rid", rid) }
            json.field("code", code)
            json.field("message", message)
        }
    }

    func sendAck(_ p: Participant, rid: String?) {
        guard let rid else { return }
        send(p, "ack") { $0.field("rid", rid) }
    }

    func newResumeToken() -> String {
        // The room id leads so any loop can route a resume to the loop that owns the room.
        Base64.encode(Array(id.utf8), urlSafe: true) + "." + Base64.encode(Crypto.randomBytes(18), urlSafe: true)
    }

    /// The room id a resume token names (for routing).
    public static func roomID(fromResumeToken token: String) -> String? {
        guard let dot = token.firstIndex(of: "."), let bytes = Base64.decode(token[..<dot]) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    func writeParticipant(_ p: Participant, into json: inout JSONWriter, includeName: Bool = true) {
        json.beginObject()
        json.field("id", p.id)
        json.field("role", p.role.rawValue)
        if let relation = p.relation { json.field("relation", relation.rawValue) }
        if includeName, let name = p.name { json.field("name", name) }
        json.field("state", p.stateName)
        json.endObject()
    }

    func writeRoom(for p: Participant, into json: inout JSONWriter) {
        json.key("room")
        json.beginObject()
        json.field("id", id)
        json.key("consent")
        json.beginObject()
        json.field("required", consentRequired)
        json.field("version", consentVersion)
        if p.role == .patient { json.field("granted", p.consentGranted) }
        json.endObject()
        json.field("maxParticipants", maxParticipants)
        if let endsAtMs { json.field("endsAt", endsAtMs) }
        json.endObject()
    }

    func writeICEServers(for p: Participant, into json: inout JSONWriter) {
        let validUntil = endsAtMs.map { $0 / 1000 + Int64(configuration.resumeGrace.components.seconds) }
        let servers = configuration.ice.servers(participantID: p.id, nowSeconds: nowMs / 1000, validUntil: validUntil)
        json.key("iceServers")
        json.beginArray()
        for server in servers {
            json.beginObject()
            json.key("urls")
            json.beginArray()
            for url in server.urls { json.value(url) }
            json.endArray()
            if let username = server.username { json.field("username", username) }
            if let credential = server.credential { json.field("credential", credential) }
            json.endObject()
        }
        json.endArray()
        if configuration.ice.relayOnlyForPatients && p.role == .patient { json.field("iceTransportPolicy", "relay") }
    }

    func writeRoster(excluding p: Participant, into json: inout JSONWriter) {
        json.key("participants")
        json.beginArray()
        for other in admitted where other.id != p.id { writeParticipant(other, into: &json) }
        json.endArray()
    }
}
