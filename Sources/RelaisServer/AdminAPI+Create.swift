import RelaisCore
import RelaisHTTP
import RelaisSignalling

#if canImport(Glibc)
import Glibc
#endif

extension AdminAPI {
    /// `POST /api/v1/visits`: creates a visit ahead of time and returns one join token per participant.
    ///
    /// Body: `{"id"?, "startsAt"?, "endsAt"?, "maxDurationSeconds"?, "consentRequired"?, "maxParticipants"?,
    /// "participants":[{"role", "id"?, "name"?, "relation"?, "singleUse"?}]}` (times in ms since the epoch).
    func createVisit(_ request: HTTPRequest, _ info: RequestInfo, _ responder: HTTPResponder) {
        switch VisitSpec.parse(request.body) {
        case .failure(let error):
            responder.respond(error.response())
        case .success(let spec):
            guard let minter = service.minter else {
                responder.respond(HTTPError(.serviceUnavailable, code: "token_keys_missing",
                                            message: "configure RELAIS_TOKEN_SECRET to mint join tokens").response())
                return
            }
            let grace = Int64(service.configuration.signalling.resumeGrace.components.seconds)
            onVisit(spec.id, { hub -> VisitInfo? in
                guard hub.createVisit(id: spec.id, consentRequired: spec.consentRequired, maxDurationSeconds: spec.maxDurationSeconds,
                                      maxParticipants: spec.maxParticipants, endsAtMs: spec.endsAtMs, lobby: spec.lobby) else { return nil }
                return hub.rooms[spec.id].map { hub.liveInfo($0) }
            }) { visit in
                guard let visit else {
                    responder.respond(HTTPError(.conflict, code: "visit_exists", message: "a visit with this id exists or has ended").response())
                    return
                }
                let now = Int64(time(nil))
                let expiry = max(now + 6 * 3600, spec.endsAtMs.map { $0 / 1000 + grace } ?? 0)
                responder.respond(Self.json(.created) { json in
                    json.key("visit")
                    visit.write(into: &json, detail: false)
                    json.key("participants")
                    json.beginArray()
                    for (index, p) in spec.participants.enumerated() {
                        let id = p.id ?? "\(p.role.rawValue)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))-\(index)"
                        var claims = TokenClaims(subject: id, room: spec.id, role: p.role, relation: p.relation, name: p.name,
                                                 expiresAt: expiry, notBefore: spec.startsAtMs.map { $0 / 1000 - 900 })
                        if p.singleUse { claims.tokenID = Base64.encode(Array(String(UInt64.random(in: 0...UInt64.max)).utf8), urlSafe: true) }
                        json.beginObject()
                        json.field("id", id)
                        json.field("role", p.role.rawValue)
                        json.field("token", minter.mint(claims, issuedAt: now))
                        json.field("expiresAt", expiry * 1000)
                        json.field("signalPath", "/v1/signal")
                        json.endObject()
                    }
                    json.endArray()
                })
            }
        }
    }
}

/// A validated `POST /api/v1/visits` body.
struct VisitSpec: Sendable {
    struct Person: Sendable {
        var role: ParticipantRole
        var id: String?
        var name: String?
        var relation: GuestRelation?
        var singleUse: Bool
    }

    var id: String
    var startsAtMs: Int64?
    var endsAtMs: Int64?
    var maxDurationSeconds: Int?
    var consentRequired: Bool?
    var maxParticipants: Int?
    /// Patients and guests wait for admission (default true).
    var lobby = true
    var participants: [Person]

    static func parse(_ body: [UInt8]) -> Result<VisitSpec, HTTPError> {
        func bad(_ message: String) -> Result<VisitSpec, HTTPError> {
            .failure(HTTPError(.badRequest, code: "invalid_visit", message: message))
        }
        guard let object = try? JSONParser.parse(body, maxDepth: 8), object.isObject else { return bad("body must be a JSON object") }
        var spec = VisitSpec(id: "", participants: [])
        if let id = object["id"] {
            guard let s = id.stringValue, Identifier.isValid(s) else { return bad("id must be 1-128 characters of [A-Za-z0-9._:@-]") }
            spec.id = s
        } else {
            spec.id = "visit-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        }
        for key in ["startsAt", "endsAt"] where object[key] != nil {
            guard let v = object[key]?.int64Value, (0...AdminAPI.maxInteger).contains(v) else {
                return bad("\(key) must be an integer (ms since the epoch)")
            }
        }
        spec.startsAtMs = object["startsAt"]?.int64Value
        spec.endsAtMs = object["endsAt"]?.int64Value
        if let d = object["maxDurationSeconds"] {
            guard let v = d.int64Value, (1...86_400).contains(v) else { return bad("maxDurationSeconds must be 1-86400") }
            spec.maxDurationSeconds = Int(v)
        }
        if let c = object["consentRequired"] {
            guard let b = c.boolValue else { return bad("consentRequired must be a boolean") }
            spec.consentRequired = b
        }
        if let l = object["lobby"] {
            guard let b = l.boolValue else { return bad("lobby must be a boolean") }
            spec.lobby = b
        }
        if let m = object["maxParticipants"] {
            guard let v = m.int64Value, (2...50).contains(v) else { return bad("maxParticipants must be 2-50") }
            spec.maxParticipants = Int(v)
        }
        guard case .array(let people)? = object["participants"], !people.isEmpty, people.count <= 50 else {
            return bad("participants must be a list of 1-50 {role, id?, name?, relation?, singleUse?}")
        }
        for person in people {
            guard let roleText = person["role"]?.stringValue, let role = ParticipantRole(rawValue: roleText) else {
                return bad("each participant needs role clinician, patient or guest")
            }
            if person["singleUse"] != nil && person["singleUse"]?.boolValue == nil { return bad("singleUse must be a boolean") }
            if let name = person["name"], name.stringValue == nil || name.stringValue!.count > 100 {
                return bad("name must be a string of at most 100 characters")
            }
            var p = Person(role: role, singleUse: person["singleUse"]?.boolValue ?? false)
            if let id = person["id"] {
                guard let s = id.stringValue, Identifier.isValid(s) else { return bad("participant id must be 1-128 characters of [A-Za-z0-9._:@-]") }
                p.id = s
            }
            p.name = person["name"]?.stringValue
            if let relation = person["relation"] {
                guard let r = relation.stringValue.flatMap(GuestRelation.init(rawValue:)) else {
                    return bad("relation must be interpreter, family, caregiver or colleague")
                }
                // Only guests carry a relation (token claims enforce it); for other roles it is ignored.
                if role == .guest { p.relation = r }
            }
            spec.participants.append(p)
        }
        return .success(spec)
    }
}
