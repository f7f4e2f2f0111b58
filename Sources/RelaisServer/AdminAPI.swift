import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisQuality
import RelaisSignalling
import Synchronization

/// The network engineers' and schedulers' JSON API under `/api/v1` (bearer token). Visits live on the loops that
/// own them, so handlers are deferred: they ask the hubs and answer when every loop has replied.
struct AdminAPI: Sendable {
    let service: SignallingService
    let auth: AdminAuth

    func register(in router: inout Router<Route>) {
        router.add("GET", "/api/v1/visits", guarded(listVisits))
        router.add("POST", "/api/v1/visits", guarded(createVisit))
        router.add("GET", "/api/v1/visits/{id}", guarded(showVisit))
        router.add("DELETE", "/api/v1/visits/{id}", guarded(endVisit))
        router.add("GET", "/api/v1/visits/{id}/quality", guarded(visitQuality))
        router.add("GET", "/api/v1/visits/{id}/audit", guarded(visitAudit))
        router.add("DELETE", "/api/v1/visits/{id}/participants/{pid}", guarded(removeParticipant))
        router.add("GET", "/api/v1/overview", guarded(overview))
    }

    typealias Handler = @Sendable (HTTPRequest, RequestInfo, HTTPResponder) -> Void

    private func guarded(_ handler: @escaping Handler) -> Route {
        let auth = self.auth
        return .deferred { request, info, responder in
            if let denied = auth.check(request) { responder.respond(denied); return }
            handler(request, info, responder)
        }
    }

    /// Runs `body` on every hub's loop and calls `done` with all results (any order) once the last one is in.
    func gather<T: Sendable>(_ body: @escaping @Sendable (SignalHub) -> T, done: @escaping @Sendable ([T]) -> Void) {
        service.gather(body) { results, _ in done(results) }
    }

    /// Runs `body` on the loop owning visit `id`.
    func onVisit<T: Sendable>(_ id: String, _ body: @escaping @Sendable (SignalHub) -> T, done: @escaping @Sendable (T) -> Void) {
        let hub = service.hub(forRoom: id)
        hub.loop.execute { done(body(hub.value)) }
    }

    /// Upper bound of integer parameters and timestamps (ms until the year 5138; keeps arithmetic far from overflow).
    static let maxInteger: Int64 = 99_999_999_999_999

    /// Integer query parameters: absent or empty means nil; anything else that is not an integer is a 400.
    static func integerParameters(_ request: HTTPRequest, _ names: [String]) -> Result<[String: Int64], HTTPError> {
        var out: [String: Int64] = [:]
        let q = request.queryParameters
        for name in names {
            guard let text = q[name], !text.isEmpty else { continue }
            guard let value = Int64(text), (0...maxInteger).contains(value) else {
                return .failure(HTTPError(.badRequest, code: "invalid_parameter", message: "\(name) must be an integer from 0 to \(maxInteger)"))
            }
            out[name] = value
        }
        return .success(out)
    }

    static func notFound(_ what: String = "visit") -> HTTPResponse {
        HTTPError(.notFound, code: "\(what)_not_found", message: "no such \(what)").response()
    }

    static func json(_ status: HTTPStatus = .ok, _ body: (inout JSONWriter) -> Void) -> HTTPResponse {
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        body(&json)
        json.endObject()
        return .json(json.bytes, status: status)
    }
}
