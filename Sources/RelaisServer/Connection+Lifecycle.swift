import CoreMetrics
import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisTLS
import RelaisWebSocket
import Synchronization

extension Connection {
    /// Arms the deadline of the current phase: TLS handshake, request head/body (slowloris), keep-alive idle.
    func armPhaseTimer() {
        cancelPhaseTimer()
        let config = context.configuration
        let now = loop.clock.now()
        let deadline: MonotonicTime
        switch phase {
        case .tlsHandshake:
            deadline = now + config.tlsHandshakeTimeout
        case .http:
            if let started = requestStartedAt {
                deadline = started + config.http.headerDeadline + (parser.isReadingBody ? config.http.bodyDeadline : .zero)
            } else {
                // Idle between requests; the first byte of the next one starts the header clock, which the
                // timer re-checks when it fires.
                deadline = min(idleSince + config.http.keepAliveTimeout, now + config.http.headerDeadline)
            }
        default:
            return
        }
        phaseTimer = loop.scheduleTimer(at: deadline) { [weak self] in self?.phaseTimerFired() }
    }

    func cancelPhaseTimer() {
        if let phaseTimer { loop.cancelTimer(phaseTimer) }
        phaseTimer = nil
    }

    private func phaseTimerFired() {
        phaseTimer = nil
        let config = context.configuration
        let now = loop.clock.now()
        switch phase {
        case .tlsHandshake:
            context.tlsHandshakeFailures.add(1, ordering: .relaxed)
            context.metrics.tlsHandshakesFailed.increment()
            abort()
        case .http:
            if let started = requestStartedAt {
                let limit = config.http.headerDeadline + (parser.isReadingBody ? config.http.bodyDeadline : .zero)
                if now.since(started) >= limit {
                    let error = HTTPError(.requestTimeout, code: "request_timeout", message: "request not received in time")
                    respond(error.response(close: true), keepAlive: false, includeBody: true)
                    flushPending()
                    return
                }
            } else if !inbound.isEmpty {
                requestStartedAt = now
            } else if now.since(idleSince) >= config.http.keepAliveTimeout {
                closeAfterFlush()
                flushPending()
                return
            }
            armPhaseTimer()
        default:
            return
        }
    }

    /// Writes what is queued, then half-closes and lingers so the peer reads our last bytes before the socket
    /// goes away (closing with unread input would send RST and could destroy a just-sent error response).
    func closeAfterFlush() {
        switch phase {
        case .closingAfterFlush, .lingering, .closed: return
        default: break
        }
        if phase == .webSocket { context.webSocketConnections.subtract(1, ordering: .relaxed) }
        phase = .closingAfterFlush
        if let pingTimer { loop.cancelTimer(pingTimer) }
        pingTimer = nil
        cancelPhaseTimer()
        phaseTimer = loop.scheduleTimer(after: context.configuration.closeTimeout) { [weak self] in self?.abort() }
        if tls != nil {
            // Encrypt what is queued first: close_notify must be the last record, after the final frames.
            guard movePendingToOutbound() else { return }
            tls!.close()
            drainTLSOutput()
        }
        if !processing { flushPending() }
    }

    /// Output drained after `closeAfterFlush`: shut our write side and wait briefly for EOF.
    func startLingering() {
        if tls != nil {
            drainTLSOutput()
            if outbound.count > outboundOffset {
                writeOutbound()
                if outbound.count > outboundOffset { return }
            }
        }
        phase = .lingering
        socket?.shutdownWrite()
        cancelPhaseTimer()
        phaseTimer = loop.scheduleTimer(after: .seconds(2)) { [weak self] in self?.teardown() }
    }

    /// Closes immediately, without flushing (errors, resets, deadlines).
    func abort() {
        teardown()
    }

    /// Releases everything: timers, registration, descriptor; tells the handler (1006 if it had not heard).
    func teardown() {
        guard phase != .closed else { return }
        if phase == .webSocket { context.webSocketConnections.subtract(1, ordering: .relaxed) }
        notifyClosed(code: .abnormalClosure, reason: "connection dropped")
        webSocket?.abort()
        phase = .closed
        cancelPhaseTimer()
        if let pingTimer { loop.cancelTimer(pingTimer) }
        pingTimer = nil
        if let fd = socket?.descriptor { loop.deregister(fd: fd) }
        socket = nil  // closes the descriptor
        tls = nil
        webSocket = nil
        handler = nil
        inbound.clear()
        outbound = []
        pendingPlain = []
        state.connections[connectionID] = nil
        context.openConnections.subtract(1, ordering: .relaxed)
    }

    /// Graceful shutdown: WebSockets get 1001, idle HTTP connections close, handshakes are dropped.
    func beginShutdown() {
        switch phase {
        case .webSocket:
            closeWebSocket(code: .goingAway, reason: "server shutting down")
        case .http:
            if requestStartedAt == nil && inbound.isEmpty { closeAfterFlush() }
        case .tlsHandshake:
            abort()
        default:
            break
        }
    }
}
