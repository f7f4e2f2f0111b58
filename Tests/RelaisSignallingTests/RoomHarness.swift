import RelaisCore
import RelaisSignalling

/// Drives a `Room` without sockets: records what each session would have received.
final class RoomHarness {
    let room: Room
    var nowMs: Int64 = 1_800_000_000_000
    var inbox: [SessionID: [JSONValue]] = [:]
    var closed: [SessionID: UInt16] = [:]
    var audits: [AuditEvent] = []
    var timers: [(RoomTimer, Int64)] = []
    var qualityReports: [String] = []
    /// The latest resume token each session was given.
    var resumeTokens: [SessionID: String] = [:]
    private var nextSession: UInt64 = 1

    init(configuration: SignallingConfiguration = SignallingConfiguration(), consentRequired: Bool? = nil, maxDuration: Int? = nil) {
        room = Room(id: "visit-1", configuration: configuration, consentRequired: consentRequired, maxDurationSeconds: maxDuration,
                    nowMs: nowMs)
        apply(room.initialTimers(nowMs: nowMs))
    }

    func newSession() -> SessionID {
        defer { nextSession += 1 }
        return SessionID(nextSession)
    }

    @discardableResult
    func join(_ id: String, _ role: ParticipantRole, session: SessionID? = nil) -> SessionID {
        let s = session ?? newSession()
        let claims = TokenClaims(subject: id, room: room.id, role: role, expiresAt: nowMs / 1000 + 600)
        apply(room.handle(.join(JoinContext(session: s, claims: claims, resume: nil)), nowMs: nowMs))
        return s
    }

    func resume(token: String, lastSeq: Int) -> SessionID {
        let s = newSession()
        apply(room.handle(.join(JoinContext(session: s, claims: nil, resume: ResumeRequest(token: token, lastSeq: lastSeq))), nowMs: nowMs))
        return s
    }

    func send(_ session: SessionID, _ json: String) {
        switch ParsedRequest.parse(Array(json.utf8)) {
        case .success(let request): apply(room.handle(.request(session, request), nowMs: nowMs))
        case .failure(let error): apply(room.handle(.invalid(session, error), nowMs: nowMs))
        }
    }

    func drop(_ session: SessionID) { apply(room.handle(.disconnected(session), nowMs: nowMs)) }

    func fire(_ timer: RoomTimer) { apply(room.handle(.timer(timer), nowMs: nowMs)) }

    func apply(_ actions: [RoomAction]) {
        for action in actions {
            switch action {
            case .send(let s, let bytes):
                let message = try! JSONParser.parse(bytes)
                if let token = message["resume"]?["token"]?.stringValue { resumeTokens[s] = token }
                inbox[s, default: []].append(message)
            case .close(let s, let code, _): closed[s] = code
            case .audit(let e): audits.append(e)
            case .schedule(let t, let ms): timers.append((t, ms))
            case .qualityReport(let p, _, _, let rid):
                qualityReports.append(p)
                apply(room.handle(.statsResult(participant: p, rid: rid, error: nil), nowMs: nowMs))
            case .qualityForget: break
            }
        }
    }

    /// Messages a session received, and clears them.
    func take(_ s: SessionID) -> [JSONValue] {
        defer { inbox[s] = [] }
        return inbox[s] ?? []
    }

    func types(_ s: SessionID) -> [String] { take(s).compactMap { $0["type"]?.stringValue } }
}
