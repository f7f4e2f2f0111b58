/// A participant as operators see it: opaque id, role, state, consent. Never the display name.
public struct ParticipantSummary: Sendable, Equatable {
    public var id: String
    public var role: ParticipantRole
    public var relation: GuestRelation?
    public var state: String
    public var consentGranted: Bool
    public var joinedAtMs: Int64
}
