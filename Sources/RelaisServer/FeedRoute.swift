import RelaisHTTP
import RelaisPosix
import RelaisWebSocket

/// `GET /api/v1/feed`: the live feed, a WebSocket of visit events, quality windows and fleet overviews.
///
/// Authorisation and the filter are decided before the upgrade (`WebSocketEndpoint.admit`), so an unauthenticated
/// client gets the same 401 JSON error as the rest of `/api/v1` and never holds an open WebSocket; a bad filter is a
/// 400. Accepting first and closing with 4401 would also work, but would let anyone open sockets and would hide the
/// reason from browsers (a close code is all a page sees of a refused WebSocket, and a 401 is what a script expects).
enum FeedRoute {
    /// The subprotocol the server selects when a client offers one (browsers must offer it next to `bearer.<token>`:
    /// a server may only select a subprotocol the client offered, and must select one when offered any).
    static let subprotocol = "relais.feed.v1"

    static func make(feed: FeedHub, auth: AdminAuth) -> Route {
        .webSocket(WebSocketEndpoint(subprotocols: [subprotocol]) { request, loop in
            if let denied = auth.checkFeed(request) { return .refuse(denied) }
            switch filter(from: request) {
            case .failure(let error): return .refuse(error.response())
            case .success(let filter): return .accept(FeedSession(loop: loop, feed: feed, filter: filter))
            }
        })
    }

    /// `visit=<id>` keeps one visit's events; `types=visit,quality,overview` (comma-separated) picks families.
    static func filter(from request: HTTPRequest) -> Result<FeedFilter, HTTPError> {
        let query = request.queryParameters
        var filter = FeedFilter()
        if let visit = query["visit"], !visit.isEmpty { filter.visit = visit }
        if let types = query["types"], !types.isEmpty {
            var families = Set<FeedFamily>()
            for name in types.split(separator: ",") {
                guard let family = FeedFamily(rawValue: String(name)) else {
                    let known = FeedFamily.allCases.map(\.rawValue).joined(separator: ", ")
                    return .failure(HTTPError(.badRequest, code: "invalid_parameter", message: "types: each of \(known)"))
                }
                families.insert(family)
            }
            filter.families = families
        }
        return .success(filter)
    }
}
