import RelaisStore
import Dispatch
import RelaisCore
import RelaisHTTP
import RelaisQuality
import RelaisSignalling

#if canImport(Glibc)
import Glibc
#endif

extension AdminAPI {
    /// `GET /api/v1/visits/{id}/quality?from=ms&to=ms&step=s`: 5 s points (or `step`-second buckets) and the summary.
    func visitQuality(_ request: HTTPRequest, _ info: RequestInfo, _ responder: HTTPResponder) {
        let id = info.parameters["id"] ?? ""
        let numbers: [String: Int64]
        switch Self.integerParameters(request, ["from", "to", "step"]) {
        case .failure(let error): responder.respond(error.response()); return
        case .success(let n): numbers = n
        }
        var stepMs: Int64?
        if let s = numbers["step"] {
            guard s >= 5, s <= 86_400, s % 5 == 0 else {
                responder.respond(HTTPError(.badRequest, code: "invalid_parameter", message: "step must be a multiple of 5 seconds").response())
                return
            }
            stepMs = s * 1000
        }
        let from = numbers["from"], to = numbers["to"]
        let step = stepMs
        onVisit(id, { hub -> (Bool, VisitQualitySnapshot?) in
            if let room = hub.rooms[id] { return (true, hub.quality.visitSnapshot(room.id)) }
            if let ended = hub.endedVisits[id] { return (true, ended.snapshot) }
            return (false, nil)
        }) { [store = service.store] found, snapshot in
            if found {
                responder.respond(Self.json { json in
                    json.field("visit", id)
                    json.field("method", QualityMethod.name)
                    json.field("windowSeconds", 5)
                    QualityJSON.writeSeries(snapshot?.series ?? [], fromMs: from, toMs: to, stepMs: step, into: &json)
                    if let snapshot { QualityJSON.writeSummary(snapshot, into: &json) }
                })
                return
            }
            // Not in memory: an ended visit from before a restart, from the store.
            DispatchQueue.global().async {
                guard let store, let visit = try? store.visit(id: id) else { responder.respond(Self.notFound()); return }
                let points = ((try? store.points(visitID: id)) ?? []).map(\.asQualityPoint)
                responder.respond(Self.json { json in
                    json.field("visit", id)
                    json.field("method", QualityMethod.name)
                    json.field("windowSeconds", 5)
                    QualityJSON.writeSeries(points, fromMs: from, toMs: to, stepMs: step, into: &json)
                    if let summary = visit.summaryJSON {
                        json.key("summary")
                        json.rawValue(Array(summary.utf8))
                    }
                })
            }
        }
    }

    /// `GET /api/v1/overview`: the fleet now (levels, percentiles, worst visits), merged over every loop.
    func overview(_ request: HTTPRequest, _ info: RequestInfo, _ responder: HTTPResponder) {
        gather({ hub in (hub.quality.fleetSnapshot(), hub.rooms.count) }, done: { parts in
            var fleet = FleetSnapshot()
            for (snapshot, _) in parts { fleet.merge(snapshot) }
            let live = parts.reduce(0) { $0 + $1.1 }
            responder.respond(Self.json { json in QualityJSON.writeFleet(fleet, liveVisits: live, into: &json) })
        })
    }

    /// `GET /api/v1/visits/{id}/audit`: the visit's audit entries, read from the log off the event loops.
    func visitAudit(_ request: HTTPRequest, _ info: RequestInfo, _ responder: HTTPResponder) {
        let id = info.parameters["id"] ?? ""
        guard let path = service.configuration.auditLogPath else {
            responder.respond(HTTPError(.serviceUnavailable, code: "audit_disabled", message: "no audit log is configured").response())
            return
        }
        service.audit?.flushForReading()
        DispatchQueue.global().async {
            let lines = AuditFile.lines(path)
            var entries: [JSONTopLevelObject] = []
            for line in lines {
                guard let object = try? JSONParser.parseTopLevelObject(line),
                      object["entry"]?["room"]?.stringValue == id else { continue }
                entries.append(object)
            }
            let chain = AuditChain.verify(lines: lines)
            responder.respond(Self.json { json in
                json.field("visit", id)
                json.key("entries")
                json.beginArray()
                for e in entries { json.rawValue(e.bytes) }
                json.endArray()
                json.key("chain")
                json.beginObject()
                switch chain {
                case .valid(let count, let hash):
                    json.field("valid", true)
                    json.field("entries", count)
                    json.field("lastHash", hash)
                case .broken(let line, let reason):
                    json.field("valid", false)
                    json.field("brokenAtLine", line)
                    json.field("reason", reason)
                }
                json.endObject()
            })
        }
    }
}

/// Reads the audit log's lines.
enum AuditFile {
    static func lines(_ path: String) -> [[UInt8]] {
        guard let f = fopen(path, "r") else { return [] }
        defer { fclose(f) }
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            for b in buffer[0..<n] {
                if b == 0x0A { lines.append(current); current = [] } else { current.append(b) }
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
