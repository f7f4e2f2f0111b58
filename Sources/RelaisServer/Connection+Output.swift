import CoreMetrics
import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisTLS
import RelaisWebSocket
import Synchronization

extension Connection {
    /// Queues plaintext; written at the end of the current read event, or now when called from elsewhere
    /// (a timer, another connection's message).
    func queue(_ bytes: [UInt8]) {
        pendingPlain.append(contentsOf: bytes)
        if !processing { flushPending() }
    }

    /// Moves pending plaintext into the outbound buffer (encrypting with TLS) and writes it.
    func flushPending() {
        guard movePendingToOutbound() else { return }
        writeOutbound()
    }

    /// Encrypts (TLS) or moves (plain) pending plaintext into the outbound buffer. False if the connection died.
    @discardableResult
    func movePendingToOutbound() -> Bool {
        if !pendingPlain.isEmpty {
            if tls != nil {
                let failed: Bool = pendingPlain.withUnsafeBytes { raw in
                    do throws(TLSError) { try tls!.send(plaintext: raw); return false } catch { return true }
                }
                pendingPlain.removeAll(keepingCapacity: pendingPlain.capacity <= 64 * 1024)
                if failed { abort(); return false }
                drainTLSOutput()
            } else if outbound.count == outboundOffset {
                // Nothing queued: hand the buffer over instead of copying it.
                swap(&outbound, &pendingPlain)
                outboundOffset = 0
                pendingPlain.removeAll(keepingCapacity: true)
            } else {
                outbound.append(contentsOf: pendingPlain)
                pendingPlain.removeAll(keepingCapacity: pendingPlain.capacity <= 64 * 1024)
            }
        }
        return true
    }

    /// Moves TLS records produced by OpenSSL into the outbound buffer.
    func drainTLSOutput() {
        guard tls != nil else { return }
        if outboundOffset == outbound.count {
            outbound.removeAll(keepingCapacity: true)
            outboundOffset = 0
        }
        tls!.takeCiphertext(into: &outbound)
    }

    /// Bytes waiting for the socket.
    var queuedBytes: Int { outbound.count - outboundOffset + pendingPlain.count }

    /// Writes as much as the kernel takes; asks for writability only while something is left.
    func writeOutbound() {
        guard phase != .closed else { return }
        while outboundOffset < outbound.count {
            let offset = outboundOffset
            let attempt: Result<IOResult<Int>?, Errno> = outbound.withUnsafeBytes { raw in
                do throws(Errno) {
                    return .success(try socket?.write(UnsafeRawBufferPointer(rebasing: raw[offset...])))
                } catch { return .failure(error) }
            }
            guard case .success(let result) = attempt else {
                abort()  // EPIPE, ECONNRESET: the peer is gone
                return
            }
            switch result {
            case .processed(let n)?:
                outboundOffset += n
            case .wouldBlock?:
                checkSendQueueBound()
                setWriteInterest(true)
                return
            case nil:
                return
            }
        }
        // Fully written: reuse the buffer (drop it if a burst made it large).
        outbound.removeAll(keepingCapacity: outbound.capacity <= 256 * 1024)
        outboundOffset = 0
        setWriteInterest(false)
        if phase == .closingAfterFlush { startLingering() }
    }

    private func setWriteInterest(_ on: Bool) {
        let wanted: EpollEvents = on ? interest.union(.writable) : interest.subtracting(.writable)
        guard wanted != interest else { return }
        interest = wanted
        try? loop.modify(fd: descriptor, events: interest)
    }

    /// A reader that does not keep up must not make us buffer without bound: past the configured queue size
    /// the connection gets a 4503 close frame (behind what is queued) and a short deadline to read it.
    private func checkSendQueueBound() {
        guard !sendQueueOverflowed, outbound.count - outboundOffset > context.configuration.maxSendQueueBytes else { return }
        sendQueueOverflowed = true
        context.sendQueueOverflows.add(1, ordering: .relaxed)
        context.metrics.sendQueueOverflows.increment()
        if phase == .webSocket {
            closeWebSocket(code: .cannotKeepUp, reason: "cannot keep up")
        } else {
            closeAfterFlush()
        }
    }

    // MARK: WebSocketSession

    @discardableResult
    func send(text: [UInt8]) -> Bool {
        guard phase == .webSocket, !sendQueueOverflowed, webSocket?.state == .open else { return false }
        webSocket!.sendText(text, into: &pendingPlain)
        if !processing { flushPending() } else if pendingPlain.count > context.configuration.maxSendQueueBytes { flushPending() }
        return !sendQueueOverflowed
    }

    @discardableResult
    func send(binary: [UInt8]) -> Bool {
        guard phase == .webSocket, !sendQueueOverflowed, webSocket?.state == .open else { return false }
        webSocket!.sendBinary(binary, into: &pendingPlain)
        if !processing { flushPending() } else if pendingPlain.count > context.configuration.maxSendQueueBytes { flushPending() }
        return !sendQueueOverflowed
    }

    func close(code: WebSocketCloseCode, reason: String) {
        closeWebSocket(code: code, reason: reason)
    }
}
