import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisTLS
import RelaisWebSocket
import Synchronization

extension Connection {
    /// Feeds buffered bytes to the WebSocket state machine and dispatches its events.
    func processWebSocket() {
        while phase == .webSocket, webSocket != nil {
            guard let event = webSocket!.nextEvent(from: &inbound, output: &pendingPlain) else { return }
            switch event {
            case .text(let payload):
                handler?.didReceive(text: payload, from: self)
            case .binary(let payload):
                handler?.didReceive(binary: payload, from: self)
            case .ping, .pong:
                continue  // the pong is already queued; a pong just proves liveness (lastReceived)
            case .closed(let code, let reason):
                notifyClosed(code: code, reason: reason)
                closeAfterFlush()
            case .failed(let code, let reason):
                notifyClosed(code: code, reason: reason)
                closeAfterFlush()
            }
        }
    }

    /// Starts the close handshake: our close frame goes out, then we wait for the peer's up to `closeTimeout`.
    func closeWebSocket(code: WebSocketCloseCode, reason: String) {
        guard phase == .webSocket, webSocket != nil else { return }
        guard webSocket!.close(code: code, reason: reason, into: &pendingPlain) else { return }
        notifyClosed(code: code, reason: reason)
        cancelPhaseTimer()
        phaseTimer = loop.scheduleTimer(after: context.configuration.closeTimeout) { [weak self] in
            // The peer never answered our close frame.
            self?.abort()
        }
        if !processing { flushPending() }
    }

    /// Tells the handler, exactly once, that the connection is over.
    func notifyClosed(code: WebSocketCloseCode?, reason: String) {
        guard !closeNotified, let handler else { return }
        closeNotified = true
        handler.didClose(self, code: code, reason: reason)
    }

    /// Idle policy: a ping after `pingInterval` of silence, a 1001 close after `idleTimeout`.
    func armPingTimer() {
        if let pingTimer { loop.cancelTimer(pingTimer) }
        pingTimer = loop.scheduleTimer(after: context.configuration.pingInterval) { [weak self] in
            self?.pingTimerFired()
        }
    }

    private func pingTimerFired() {
        pingTimer = nil
        guard phase == .webSocket, webSocket?.state == .open else { return }
        let silent = loop.clock.now().since(lastReceived)
        if silent >= context.configuration.idleTimeout {
            closeWebSocket(code: .goingAway, reason: "idle timeout")
            return
        }
        if silent >= context.configuration.pingInterval {
            webSocket!.sendPing(Array("relais".utf8), into: &pendingPlain)
            flushPending()
        }
        armPingTimer()
    }
}
