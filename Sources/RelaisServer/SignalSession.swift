import Logging
import RelaisCore
import RelaisPosix
import RelaisSignalling
import RelaisWebSocket

/// `/v1/signal`: one WebSocket connection of a participant. Runs on the connection's loop; checks the join
/// (token, single use, per-address limit, deadline) and per-connection rate, then forwards everything to the
/// loop that owns the room. Protocol decisions are the `Room`'s.
final class SignalSession: WebSocketHandler {
    enum State { case awaitingJoin, inRoom(String), closed }

    let loop: EventLoop
    let service: SignallingService
    private var state: State = .awaitingJoin
    private weak var connection: (any WebSocketSession)?
    private var id = SessionID(0)
    private var bucket: TokenBucket
    private var deadline: TimerID?
    /// Correlates the log lines of one join across loops.
    private var requestID = ""

    init(loop: EventLoop, service: SignallingService) {
        self.loop = loop
        self.service = service
        bucket = TokenBucket(capacity: service.configuration.signalMessageBurst,
                             ratePerSecond: service.configuration.signalMessagesPerSecond, now: loop.clock.now())
    }

    func didOpen(_ session: any WebSocketSession) {
        connection = session
        id = SessionID(session.connectionID)
        deadline = loop.scheduleTimer(after: service.configuration.joinDeadline) { [weak self] in
            guard let self, case .awaitingJoin = self.state else { return }
            self.refuse(code: "join_timeout", message: "no join before the deadline", close: .joinTimeout)
        }
    }

    func didReceive(text: [UInt8], from session: any WebSocketSession) {
        if service.configuration.signalMessagesPerSecond > 0 && !bucket.take(now: loop.clock.now()) {
            session.close(code: .rateLimited, reason: "rate limited")
            return
        }
        let parsed = ParsedRequest.parse(text, validatedUTF8: true)  // text frames are UTF-8-checked by the WebSocket layer
        switch parsed {
        case .success(let request): service.metrics.message(request.type)
        case .failure: service.metrics.message("invalid")
        }
        switch state {
        case .closed:
            return
        case .inRoom(let room):
            let input: RoomInput
            switch parsed {
            case .success(let request): input = .request(id, request)
            case .failure(let error): input = .invalid(id, error)
            }
            forward(input, room: room)
        case .awaitingJoin:
            switch parsed {
            case .failure(let error):
                refuse(code: error.code, message: error.message, close: .relaisProtocolError)
            case .success(let request):
                guard case .join(let token, let resume) = request.request else {
                    refuse(code: "join_required", message: "the first message must be join", close: .relaisProtocolError)
                    return
                }
                join(token: token, resume: resume, session: session)
            }
        }
    }

    func didReceive(binary: [UInt8], from session: any WebSocketSession) {
        let error = RequestError("bad_request", "protocol v1 uses text frames only")
        switch state {
        case .inRoom(let room): forward(.invalid(id, error), room: room)
        default: refuse(code: error.code, message: error.message, close: .relaisProtocolError)
        }
    }

    func didClose(_ session: any WebSocketSession, code: WebSocketCloseCode?, reason: String) {
        if let deadline { loop.cancelTimer(deadline) }
        if case .inRoom(let room) = state { forward(.disconnected(id), room: room) }
        state = .closed
    }

    /// Called by the room's hub (on this loop): a message for this participant.
    func deliver(_ bytes: [UInt8]) {
        connection?.send(text: bytes)
    }

    /// Called by the room's hub: the room ended this session (denied, removed, ended, superseded, left).
    func closeFromRoom(code: UInt16, reason: String) {
        state = .closed
        connection?.close(code: WebSocketCloseCode(code), reason: reason)
    }

    private func join(token: String?, resume: ResumeRequest?, session: any WebSocketSession) {
        let nowMs = loop.clock.wallClockMilliseconds()
        requestID = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        if let resume {
            guard let room = Room.roomID(fromResumeToken: resume.token) else {
                refuse(code: "resume_invalid", message: "unknown or expired resume token", close: .authenticationFailed)
                return
            }
            enter(room: room, context: JoinContext(session: id, claims: nil, resume: resume))
            return
        }
        guard let token else { return }
        let claims: TokenClaims
        switch service.verifier.verify(token, nowSeconds: nowMs / 1000) {
        case .failure(let error):
            service.configuration.logger.notice("join refused", metadata: [
                "request": .string(requestID), "connection": .stringConvertible(id.value), "code": .string(error.code)])
            service.recordAuthFailure(code: error.code, nowMs: nowMs)
            refuse(code: error.code, message: error.message, close: .authenticationFailed)
            return
        case .success(let c):
            claims = c
        }
        if !session.peerIsLoopback || service.configuration.joinLimitOnLoopback,
           !service.joinLimiter.allow(peerHash: session.peerHash, now: loop.clock.now()) {
            refuse(code: "rate_limited", message: "too many joins from this address", close: .rateLimited)
            return
        }
        if let jti = claims.tokenID, !service.replayCache.use(jti, expiresAt: claims.expiresAt, nowSeconds: nowMs / 1000) {
            service.recordAuthFailure(code: TokenError.alreadyUsed.code, nowMs: nowMs)
            refuse(code: TokenError.alreadyUsed.code, message: TokenError.alreadyUsed.message, close: .authenticationFailed)
            return
        }
        enter(room: claims.room, context: JoinContext(session: id, claims: claims, resume: nil))
    }

    private func enter(room: String, context: JoinContext) {
        service.configuration.logger.info("join", metadata: [
            "request": .string(requestID), "connection": .stringConvertible(id.value), "visit": .string(room),
            "participant": .string(context.claims?.subject ?? "(resume)"), "role": .string(context.claims?.role.rawValue ?? "-")])
        if let deadline { loop.cancelTimer(deadline) }
        deadline = nil
        state = .inRoom(room)
        let handle = SessionHandle(loop: loop, session: self)
        let hub = service.hub(forRoom: room)
        if hub.loop === loop {
            hub.value.join(context, handle: handle, roomID: room)
        } else {
            hub.loop.execute { hub.value.join(context, handle: handle, roomID: room) }
        }
    }

    private func forward(_ input: RoomInput, room: String) {
        let hub = service.hub(forRoom: room)
        if hub.loop === loop {
            hub.value.input(input, roomID: room)
        } else {
            hub.loop.execute { hub.value.input(input, roomID: room) }
        }
    }

    /// An error before any session exists (no `seq`), then close.
    private func refuse(code: String, message: String, close: WebSocketCloseCode) {
        service.metrics.error(code)
        service.configuration.logger.debug("session refused", metadata: [
            "connection": .stringConvertible(id.value), "code": .string(code), "close": .stringConvertible(close.rawValue)])
        connection?.send(text: SessionlessError.bytes(code: code, message: message))
        state = .closed
        connection?.close(code: close, reason: code)
    }
}
