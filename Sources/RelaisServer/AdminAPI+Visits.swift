import Dispatch
import RelaisStore
import RelaisCore
import RelaisHTTP
import RelaisSignalling

extension AdminAPI {
    /// `GET /api/v1/visits?state=live|ended&from=ms&to=ms&limit=n&cursor=c`, newest first.
    func listVisits(_ request: HTTPRequest, _ info: RequestInfo, _ responder: HTTPResponder) {
        let q = request.queryParameters
        if let state = q["state"], state != "live", state != "ended" {
            responder.respond(HTTPError(.badRequest, code: "invalid_parameter", message: "state must be live or ended").response())
            return
        }
        let numbers: [String: Int64]
        switch Self.integerParameters(request, ["limit", "from", "to"]) {
        case .failure(let error): responder.respond(error.response()); return
        case .success(let n): numbers = n
        }
        guard let limit = numbers["limit"].map(Int.init) ?? 50 as Int?, (1...500).contains(limit) else {
            responder.respond(HTTPError(.badRequest, code: "invalid_parameter", message: "limit must be 1-500").response())
            return
        }
        let from = numbers["from"], to = numbers["to"]
        var after: (Int64, String)?
        if let cursor = q["cursor"] {
            // "<createdAt>.<id>": the position after which the next page starts. Any such value is meaningful.
            guard let dot = cursor.firstIndex(of: "."), let t = Int64(cursor[..<dot]),
                  Identifier.isValid(String(cursor[cursor.index(after: dot)...])) else {
                responder.respond(HTTPError(.badRequest, code: "invalid_cursor", message: "cursor is not valid").response())
                return
            }
            after = (t, String(cursor[cursor.index(after: dot)...]))
        }
        let state = q["state"]
        let cursor = after
        gather({ hub -> [VisitInfo] in
            var infos: [VisitInfo] = []
            if state != "ended" { infos += hub.rooms.values.map { hub.liveInfo($0) } }
            if state != "live" { infos += hub.endedVisits.values }
            return infos
        }, done: { [store = service.store] parts in
          DispatchQueue.global().async {
            var rows: [VisitRow] = parts.flatMap { $0 }.map { .memory($0) }
            // Ended visits from before a restart (or evicted from memory) come from the store; memory wins on ids.
            if state != "live", let stored = try? store?.endedVisits(fromMs: from, toMs: to, after: cursor, limit: limit + 1) {
                let known = Set(rows.map(\.id))
                rows += stored.filter { !known.contains($0.id) }.map { .stored($0) }
            }
            var all = rows.filter { v in
                (from.map { v.createdAtMs >= $0 } ?? true) && (to.map { v.createdAtMs < $0 } ?? true)
            }
            // Newest first; ties by id so the order (and the cursor) is total.
            all.sort { ($0.createdAtMs, $0.id) > ($1.createdAtMs, $1.id) }
            if let cursor { all = all.filter { ($0.createdAtMs, $0.id) < cursor } }
            let page = Array(all.prefix(limit))
            responder.respond(Self.json { json in
                json.key("visits")
                json.beginArray()
                for v in page { v.write(into: &json) }
                json.endArray()
                if all.count > limit, let last = page.last {
                    json.field("nextCursor", "\(last.createdAtMs).\(last.id)")
                } else {
                    json.key("nextCursor")
                    json.nullValue()
                }
            })
          }
        })
    }

    /// `GET /api/v1/visits/{id}`.
    func showVisit(_ request: HTTPRequest, _ info: RequestInfo, _ responder: HTTPResponder) {
        let id = info.parameters["id"] ?? ""
        onVisit(id, { hub -> VisitInfo? in hub.rooms[id].map { hub.liveInfo($0) } ?? hub.endedVisits[id] }) { [store = service.store] visit in
            if let visit {
                var json = JSONWriter(capacity: 2048)
                visit.write(into: &json, detail: true)
                responder.respond(.json(json.bytes))
                return
            }
            DispatchQueue.global().async {
                guard let stored = try? store?.visit(id: id) else { responder.respond(Self.notFound()); return }
                var json = JSONWriter(capacity: 2048)
                stored.write(into: &json, detail: true)
                responder.respond(.json(json.bytes))
            }
        }
    }

    /// `DELETE /api/v1/visits/{id}`: ends the visit for everyone (reason `ended`, close 4410).
    func endVisit(_ request: HTTPRequest, _ info: RequestInfo, _ responder: HTTPResponder) {
        let id = info.parameters["id"] ?? ""
        onVisit(id, { hub -> Bool? in
            if hub.endedVisits[id] != nil { return false }
            return hub.perform(adminInput: .adminEnd, roomID: id) ? true : nil
        }) { outcome in
            switch outcome {
            case nil: responder.respond(Self.notFound())
            case false?: responder.respond(HTTPError(.conflict, code: "visit_already_ended", message: "the visit has already ended").response())
            case true?: responder.respond(Self.json { $0.field("id", id); $0.field("state", "ended") })
            }
        }
    }

    /// `DELETE /api/v1/visits/{id}/participants/{pid}`: removes someone (no resume; back to the lobby with a fresh token).
    func removeParticipant(_ request: HTTPRequest, _ info: RequestInfo, _ responder: HTTPResponder) {
        let id = info.parameters["id"] ?? "", pid = info.parameters["pid"] ?? ""
        onVisit(id, { hub -> Bool? in
            guard let room = hub.rooms[id] else { return nil }
            guard room.participantSummaries.contains(where: { $0.id == pid }) else { return false }
            return hub.perform(adminInput: .adminRemove(participant: pid), roomID: id)
        }) { outcome in
            switch outcome {
            case nil: responder.respond(Self.notFound())
            case false?: responder.respond(Self.notFound("participant"))
            case true?: responder.respond(Self.json { $0.field("visit", id); $0.field("participant", pid); $0.field("state", "removed") })
            }
        }
    }
}

/// A visit from memory or from the store, for listing.
enum VisitRow {
    case memory(VisitInfo)
    case stored(StoredVisit)

    var id: String {
        switch self {
        case .memory(let v): return v.id
        case .stored(let v): return v.id
        }
    }

    var createdAtMs: Int64 {
        switch self {
        case .memory(let v): return v.createdAtMs
        case .stored(let v): return v.createdAtMs
        }
    }

    func write(into json: inout JSONWriter) {
        switch self {
        case .memory(let v): v.write(into: &json, detail: false)
        case .stored(let v): v.write(into: &json, detail: false)
        }
    }
}
