import RelaisSignalling
import RelaisCore
import RelaisQuality
import RelaisStore

extension VisitInfo {
    /// The store's record of this visit (participants and summary pre-encoded as the API shows them).
    var storedRecord: StoredVisit {
        var participants = JSONWriter()
        writeParticipants(into: &participants, withQuality: false)
        var summary: String?
        if let snapshot {
            var json = JSONWriter()
            json.beginObject()
            QualityJSON.writeSummary(snapshot, into: &json)
            json.endObject()
            // writeSummary writes `"summary":{…}` inside the object: keep only the inner object.
            let text = json.string
            summary = String(text.dropFirst(#"{"summary":"#.count).dropLast())
        }
        return StoredVisit(id: id, createdAtMs: createdAtMs, endedAtMs: endedAtMs, endReason: endReason, endsAtMs: endsAtMs,
                           consentRequired: consentRequired, maxParticipants: maxParticipants, level: level.name,
                           participantsJSON: participants.string, summaryJSON: summary)
    }
}

extension StoredVisit {
    /// The API's visit object from a stored record.
    func write(into json: inout JSONWriter, detail: Bool) {
        json.beginObject()
        json.field("id", id)
        json.field("state", endedAtMs == nil ? "live" : "ended")
        json.field("createdAt", createdAtMs)
        if let endedAtMs { json.field("endedAt", endedAtMs) }
        if let endReason { json.field("endReason", endReason) }
        if let endsAtMs { json.field("endsAt", endsAtMs) }
        json.field("consentRequired", consentRequired)
        json.field("maxParticipants", maxParticipants)
        json.field("level", level)
        json.key("participants")
        json.rawValue(Array(participantsJSON.utf8))
        if detail, let summaryJSON {
            json.key("summary")
            json.rawValue(Array(summaryJSON.utf8))
        }
        json.endObject()
    }
}

extension QualityPoint {
    func stored(visit: String) -> StoredPoint {
        StoredPoint(visitID: visit, startMs: startMs, durationMs: durationMs, level: level.name, mos: mos, rttMs: rttMs,
                    jitterMs: jitterMs, lossPct: lossPct)
    }
}

extension StoredPoint {
    var asQualityPoint: QualityPoint {
        QualityPoint(startMs: startMs, durationMs: durationMs, level: QualityLevel.named(level), mos: mos, rttMs: rttMs,
                     jitterMs: jitterMs, lossPct: lossPct, scoredParticipants: 0)
    }
}

extension QualityLevel {
    /// The level with this API name (`unknown` for anything else).
    static func named(_ name: String) -> QualityLevel {
        allCases.first { $0.name == name } ?? .unknown
    }
}
