/// Opaque handle of one WebSocket connection, assigned by the server. The room never sees sockets.
public struct SessionID: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public var description: String { "session#\(value)" }
}

/// A participant of a room and its session state (seq counter, replay buffer, resume token).
final class Participant {
    enum Admission: Equatable { case lobby, admitted }
    enum Presence: Equatable { case connected(SessionID), reconnecting }

    let id: String
    var role: ParticipantRole
    var relation: GuestRelation?
    /// Display name (memory only).
    var name: String?
    var admission: Admission
    var presence: Presence
    var nextSeq = 1
    var replay: ReplayBuffer
    var resumeToken: String
    var consentGranted = false
    var consentVersion: String?
    /// Incremented on every drop so a stale grace timer is recognised.
    var graceGeneration = 0
    let joinedAt: Int64

    init(id: String, role: ParticipantRole, relation: GuestRelation?, name: String?, admission: Admission,
         session: SessionID, resumeToken: String, replay: ReplayBuffer, nowMs: Int64) {
        self.id = id
        self.role = role
        self.relation = relation
        self.name = name
        self.admission = admission
        presence = .connected(session)
        self.resumeToken = resumeToken
        self.replay = replay
        joinedAt = nowMs
    }

    var session: SessionID? {
        if case .connected(let s) = presence { return s }
        return nil
    }

    var stateName: String {
        switch (admission, presence) {
        case (.lobby, _): return "lobby"
        case (_, .reconnecting): return "reconnecting"
        case (_, .connected): return "connected"
        }
    }
}
