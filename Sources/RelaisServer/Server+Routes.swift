import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisWebSocket

extension Server {
    /// `/healthz` (alive), `/readyz` (accepting; 503 while draining) and `/v1/echo`.
    static func addBuiltinRoutes(to router: inout Router<Route>, configuration: ServerConfiguration) {
        router.add("GET", "/healthz", .http { _, _ in
            var json = JSONWriter()
            json.beginObject()
            json.field("status", "ok")
            json.endObject()
            return .json(json.bytes)
        })
        if configuration.echoEnabled {
            let burst = configuration.echoRateBurst
            let rate = configuration.echoRatePerSecond
            router.add("GET", "/v1/echo", .webSocket(WebSocketEndpoint { loop in
                EchoHandler(burst: burst, ratePerSecond: rate, now: loop.clock.now())
            }))
        }
    }

    /// `/readyz` needs the server's state, so it is added once the context exists.
    static func readinessResponse(shuttingDown: Bool) -> HTTPResponse {
        var json = JSONWriter()
        json.beginObject()
        json.field("status", shuttingDown ? "draining" : "ready")
        json.endObject()
        return .json(json.bytes, status: shuttingDown ? .serviceUnavailable : .ok)
    }
}
