import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisTLS
import RelaisWebSocket
import Synchronization

extension Connection {
    /// Parses and answers every complete request in the buffer (pipelining: answers go out in order).
    func processHTTP() {
        while phase == .http && !awaitingDeferredResponse {
            if requestStartedAt == nil && !inbound.isEmpty { requestStartedAt = loop.clock.now() }
            switch parser.parse(&inbound) {
            case .needMore:
                return
            case .error(let error):
                respond(error.response(close: true), keepAlive: false, includeBody: true)
                return
            case .request(let request):
                requestStartedAt = nil
                idleSince = loop.clock.now()
                handle(request)
            }
        }
    }

    private func handle(_ request: HTTPRequest) {
        let isHead = request.method == "HEAD"
        if context.shuttingDown.load(ordering: .relaxed) && request.headers.containsToken("Upgrade", "websocket") {
            respond(HTTPError(.serviceUnavailable, code: "shutting_down", message: "server is shutting down").response(close: true),
                    keepAlive: false, includeBody: true)
            return
        }
        switch context.router.match(method: request.method, path: request.path) {
        case .notFound:
            respond(HTTPError.notFound(request.path).response(), keepAlive: request.keepAlive, includeBody: !isHead)
        case .methodNotAllowed(let allowed):
            respond(HTTPError.methodNotAllowed(allowed).response(), keepAlive: request.keepAlive, includeBody: !isHead)
        case .found(.http(let handler), let parameters):
            let info = RequestInfo(connectionID: connectionID, isTLS: isTLS, parameters: parameters, peerHash: peer.hash)
            let response = handler(request, info)
            respond(response, keepAlive: request.keepAlive && !context.shuttingDown.load(ordering: .relaxed), includeBody: !isHead)
        case .found(.webSocket(let endpoint), _):
            upgrade(request, endpoint: endpoint)
        case .found(.deferred(let handler), let parameters):
            let info = RequestInfo(connectionID: connectionID, isTLS: isTLS, parameters: parameters, peerHash: peer.hash)
            awaitingDeferredResponse = true
            let keepAlive = request.keepAlive
            let responder = HTTPResponder(loop: loop, connection: self, keepAlive: keepAlive, includeBody: !isHead)
            handler(request, info, responder)
        }
    }

    /// A deferred handler answered: write it, then carry on with pipelined requests.
    func completeDeferred(_ response: HTTPResponse, keepAlive: Bool, includeBody: Bool) {
        guard awaitingDeferredResponse, phase == .http else { return }
        awaitingDeferredResponse = false
        respond(response, keepAlive: keepAlive && !context.shuttingDown.load(ordering: .relaxed), includeBody: includeBody)
        processHTTP()
        if !processing { flushPending() }
    }

    /// Writes a response; without keep-alive the connection closes once it is flushed.
    func respond(_ response: HTTPResponse, keepAlive: Bool, includeBody: Bool) {
        var response = response
        if !keepAlive { response.headers.set("Connection", "close") }
        response.headers.set("Server", "relais")
        response.serialize(into: &pendingPlain, includeBody: includeBody)
        if !keepAlive { closeAfterFlush() } else { armPhaseTimer() }
    }

    /// Completes a WebSocket handshake and switches the connection to frames.
    private func upgrade(_ request: HTTPRequest, endpoint: WebSocketEndpoint) {
        var options = WebSocketHandshake.ServerOptions()
        options.subprotocols = endpoint.subprotocols
        options.permessageDeflate = context.configuration.permessageDeflate
        let allowed = context.configuration.allowedOrigins
        if !allowed.isEmpty {
            options.originPolicy = { origin in origin == nil || allowed.contains(origin!) }
        }
        switch WebSocketHandshake.accept(request, options: options) {
        case .failure(let error):
            respond(error.response(close: true), keepAlive: false, includeBody: true)
        case .success(let accepted):
            // The endpoint's own checks (auth, parameters) come after the handshake is known to be valid and before
            // anything is switched: a refusal is an ordinary HTTP response on a connection that then closes.
            let handler: any WebSocketHandler
            switch endpoint.admit(request, loop) {
            case .refuse(let refusal):
                respond(refusal, keepAlive: false, includeBody: true)
                return
            case .accept(let accepted):
                handler = accepted
            }
            var response = accepted.response
            response.headers.set("Server", "relais")
            response.serialize(into: &pendingPlain)
            webSocket = WebSocketConnection(role: .server, limits: context.configuration.webSocket, deflate: accepted.deflate)
            phase = .webSocket
            parser = HTTPRequestParser(limits: context.configuration.http)
            context.webSocketConnections.add(1, ordering: .relaxed)
            lastReceived = loop.clock.now()
            cancelPhaseTimer()
            armPingTimer()
            self.handler = handler
            handler.didOpen(self)
        }
    }
}
