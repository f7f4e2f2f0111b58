/// An ended (or still running) visit as the store keeps it: opaque ids and figures only, never names.
public struct StoredVisit: Sendable, Equatable {
    public var id: String
    public var createdAtMs: Int64
    public var endedAtMs: Int64?
    public var endReason: String?
    public var endsAtMs: Int64?
    public var consentRequired: Bool
    public var maxParticipants: Int
    public var level: String
    /// Participants as the API shows them, already encoded as a JSON array (opaque ids, roles, states).
    public var participantsJSON: String
    /// The quality summary object as the API shows it, when there is one.
    public var summaryJSON: String?

    public init(id: String, createdAtMs: Int64, endedAtMs: Int64?, endReason: String?, endsAtMs: Int64?, consentRequired: Bool,
                maxParticipants: Int, level: String, participantsJSON: String, summaryJSON: String?) {
        self.id = id
        self.createdAtMs = createdAtMs
        self.endedAtMs = endedAtMs
        self.endReason = endReason
        self.endsAtMs = endsAtMs
        self.consentRequired = consentRequired
        self.maxParticipants = maxParticipants
        self.level = level
        self.participantsJSON = participantsJSON
        self.summaryJSON = summaryJSON
    }
}

/// One 5-second quality window of a visit.
public struct StoredPoint: Sendable, Equatable {
    public var visitID: String
    public var startMs: Int64
    public var durationMs: Int64
    public var level: String
    public var mos: Double?
    public var rttMs: Double?
    public var jitterMs: Double?
    public var lossPct: Double?

    public init(visitID: String, startMs: Int64, durationMs: Int64, level: String, mos: Double?, rttMs: Double?, jitterMs: Double?,
                lossPct: Double?) {
        self.visitID = visitID
        self.startMs = startMs
        self.durationMs = durationMs
        self.level = level
        self.mos = mos
        self.rttMs = rttMs
        self.jitterMs = jitterMs
        self.lossPct = lossPct
    }
}

/// A write the event loops hand to the store's writer thread.
public enum StoreWrite: Sendable {
    /// New quality windows of a live visit.
    case points([StoredPoint])
    /// A visit ended: its record and its last windows.
    case visitEnded(StoredVisit, [StoredPoint])
}
