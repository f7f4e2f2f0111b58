import RelaisCore
import RelaisQuality
import RelaisSignalling

/// A visit as the admin API shows it, copied off its loop (Sendable).
struct VisitInfo: Sendable {
    var id: String
    var state: String  // live | ended
    var createdAtMs: Int64
    var endedAtMs: Int64?
    var endReason: String?
    var endsAtMs: Int64?
    var consentRequired: Bool
    var maxParticipants: Int
    var participants: [ParticipantSummary]
    var quality: [ParticipantQuality]
    var snapshot: VisitQualitySnapshot?

    /// The visit's level: the worst participant level that is known.
    var level: QualityLevel {
        quality.map(\.level).filter { $0 != .unknown }.min { $0.rawValue < $1.rawValue } ?? .unknown
    }

    /// The participants array (opaque ids, roles, states, consent; current quality when asked).
    func writeParticipants(into json: inout JSONWriter, withQuality: Bool) {
        json.beginArray()
        for p in participants {
            json.beginObject()
            json.field("id", p.id)
            json.field("role", p.role.rawValue)
            if let relation = p.relation { json.field("relation", relation.rawValue) }
            json.field("state", p.state)
            if p.role == .patient { json.field("consent", p.consentGranted) }
            json.field("joinedAt", p.joinedAtMs)
            if withQuality, let q = quality.first(where: { $0.participant == p.id }) {
                json.key("quality")
                var encoded: [UInt8] = []
                q.encode(into: &encoded)
                json.rawValue(encoded)
            }
            json.endObject()
        }
        json.endArray()
    }

    func write(into json: inout JSONWriter, detail: Bool) {
        json.beginObject()
        json.field("id", id)
        json.field("state", state)
        json.field("createdAt", createdAtMs)
        if let endedAtMs { json.field("endedAt", endedAtMs) }
        if let endReason { json.field("endReason", endReason) }
        if let endsAtMs { json.field("endsAt", endsAtMs) }
        json.field("consentRequired", consentRequired)
        json.field("maxParticipants", maxParticipants)
        json.field("level", level.name)
        json.key("participants")
        writeParticipants(into: &json, withQuality: true)
        if detail, let snapshot { QualityJSON.writeSummary(snapshot, into: &json) }
        json.endObject()
    }
}
