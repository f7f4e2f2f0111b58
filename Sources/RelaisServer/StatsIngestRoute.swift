import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisSignalling
import Synchronization

/// `POST /api/v1/stats`: quality reports from sources that are not WebSocket participants (native apps posting
/// in batches, gateways). Body: `{"reports":[{"visit":…,"participant":…,"peer"?:…,"report":…}, …]}` where `report`
/// is the same compact or raw-getStats value a `stats` message carries. Each report goes to the loop that owns
/// its visit; the answer (202) lists per-report errors by index.
enum StatsIngestRoute {
    static func make(service: SignallingService, auth: AdminAuth, maxBatch: Int) -> Route {
        .deferred { request, _, responder in
            if let denied = auth.check(request) { responder.respond(denied); return }
            let items: [Item]
            switch parse(request.body, maxBatch: maxBatch) {
            case .failure(let error): responder.respond(error.response()); return
            case .success(let parsed): items = parsed
            }
            let collector = Collector(expected: items.count, responder: responder)
            if items.isEmpty { collector.finish(); return }
            for (index, item) in items.enumerated() {
                let hub = service.hub(forRoom: item.visit)
                hub.loop.execute {
                    let error = hub.value.ingestExternal(visit: item.visit, participant: item.participant, peer: item.peer, report: item.report)
                    collector.record(index: index, error: error)
                }
            }
        }
    }

    struct Item: Sendable {
        var visit: String
        var participant: String
        var peer: String?
        var report: [UInt8]
    }

    static func parse(_ body: [UInt8], maxBatch: Int) -> Result<[Item], HTTPError> {
        func bad(_ message: String) -> Result<[Item], HTTPError> {
            .failure(HTTPError(.badRequest, code: "invalid_batch", message: message))
        }
        guard let top = try? JSONParser.parseTopLevelObject(body, maxDepth: 40),
              let member = top.members.first(where: { $0.key == "reports" }), case .array = member.value,
              let ranges = try? JSONParser.arrayElementRanges(body, in: member.range, maxDepth: 40) else {
            return bad("body must be {\"reports\":[…]}")
        }
        guard ranges.count <= maxBatch else {
            return .failure(HTTPError(.badRequest, code: "batch_too_large", message: "at most \(maxBatch) reports per batch"))
        }
        var items: [Item] = []
        for (index, range) in ranges.enumerated() {
            guard let entry = try? JSONParser.parseTopLevelObject(Array(body[range]), maxDepth: 40),
                  let visit = entry["visit"]?.stringValue, Identifier.isValid(visit),
                  let participant = entry["participant"]?.stringValue, Identifier.isValid(participant),
                  let report = entry.rawValue("report") else {
                return bad("reports[\(index)] needs visit, participant (ids) and report")
            }
            if entry["peer"] != nil && (entry["peer"]?.stringValue).map(Identifier.isValid) != true {
                return bad("reports[\(index)].peer is not a valid id")
            }
            let peer = entry["peer"]?.stringValue
            items.append(Item(visit: visit, participant: participant, peer: peer, report: Array(report)))
        }
        return .success(items)
    }

    /// Gathers per-report outcomes from several loops and answers once all are in.
    final class Collector: Sendable {
        private let state: Mutex<(remaining: Int, errors: [(Int, String, String)])>
        private let responder: HTTPResponder

        init(expected: Int, responder: HTTPResponder) {
            state = Mutex((expected, []))
            self.responder = responder
        }

        func record(index: Int, error: RequestError?) {
            let done = state.withLock { s -> Bool in
                if let error { s.errors.append((index, error.code, error.message)) }
                s.remaining -= 1
                return s.remaining == 0
            }
            if done { finish() }
        }

        func finish() {
            let (total, errors) = state.withLock { s in (s.remaining, s.errors.sorted { $0.0 < $1.0 }) }
            _ = total
            var json = JSONWriter()
            json.beginObject()
            json.key("rejected")
            json.beginArray()
            for (index, code, message) in errors {
                json.beginObject()
                json.field("index", index)
                json.field("code", code)
                json.field("message", message)
                json.endObject()
            }
            json.endArray()
            json.field("rejectedCount", errors.count)
            json.endObject()
            responder.respond(.json(json.bytes, status: .accepted))
        }
    }
}
