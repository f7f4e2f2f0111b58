extension WebSocketConnection {
    /// Appends a text message. `payload` must be valid UTF-8 (the caller produced it).
    public mutating func sendText(_ payload: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        sendMessage(opcode: .text, payload, into: &output)
    }

    public mutating func sendBinary(_ payload: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        sendMessage(opcode: .binary, payload, into: &output)
    }

    public mutating func sendText(_ payload: [UInt8], into output: inout [UInt8]) {
        payload.withUnsafeBytes { sendMessage(opcode: .text, $0, into: &output) }
    }

    public mutating func sendBinary(_ payload: [UInt8], into output: inout [UInt8]) {
        payload.withUnsafeBytes { sendMessage(opcode: .binary, $0, into: &output) }
    }

    /// Appends a ping (at most 125 bytes of payload).
    public mutating func sendPing(_ payload: [UInt8] = [], into output: inout [UInt8]) {
        guard state == .open else { return }
        writeFrame(opcode: .ping, payload: Array(payload.prefix(125)), into: &output)
    }

    /// Starts the close handshake (or answers nothing if a close was already sent). Returns whether a close
    /// frame was appended; the driver then waits for the peer's close frame up to its close deadline.
    @discardableResult
    public mutating func close(code: WebSocketCloseCode = .normal, reason: String = "", into output: inout [UInt8]) -> Bool {
        guard state == .open else { return false }
        writeClose(code: code, reason: reason, into: &output)
        state = .closeSent
        return true
    }

    /// Marks the connection closed without a handshake (TCP dropped, close deadline passed).
    public mutating func abort() { state = .closed }

    /// Frames one message, compressed when permessage-deflate was agreed and the payload is large enough.
    private mutating func sendMessage(opcode: WebSocketOpcode, _ payload: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard state == .open else { return }
        if deflate != nil && payload.count >= limits.minCompressBytes {
            var compressed: [UInt8] = []
            compressed.reserveCapacity(payload.count / 2 + 16)
            deflater.compressMessage(payload, reset: ourNoContextTakeover, into: &compressed)
            compressed.withUnsafeBytes { appendFrame(fin: true, rsv1: true, opcode: opcode.rawValue, $0, into: &output) }
        } else {
            appendFrame(fin: true, rsv1: false, opcode: opcode.rawValue, payload, into: &output)
        }
    }

    mutating func writeFrame(opcode: WebSocketOpcode, payload: [UInt8], into output: inout [UInt8]) {
        payload.withUnsafeBytes { appendFrame(fin: true, rsv1: false, opcode: opcode.rawValue, $0, into: &output) }
    }

    mutating func writeClose(code: WebSocketCloseCode, reason: String, into output: inout [UInt8]) {
        var payload = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
        // The reason must fit the 125-byte control payload; cut at a character boundary.
        var reasonBytes = Array(reason.utf8.prefix(123))
        while !reasonBytes.isEmpty && !reasonBytes.withUnsafeBytes({ UTF8Validator.isValid($0) }) { reasonBytes.removeLast() }
        payload += reasonBytes
        writeFrame(opcode: .close, payload: payload, into: &output)
    }

    /// Appends header and payload; clients mask with a fresh key per frame.
    private mutating func appendFrame(fin: Bool, rsv1: Bool, opcode: UInt8, _ payload: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        if role == .server {
            WebSocketFrameHeader.write(fin: fin, rsv1: rsv1, opcode: opcode, payloadLength: payload.count, maskingKey: nil, into: &output)
            output.append(contentsOf: payload)
            return
        }
        let key = nextMaskingKey()
        WebSocketFrameHeader.write(
            fin: fin, rsv1: rsv1, opcode: opcode, payloadLength: payload.count, maskingKey: [key.0, key.1, key.2, key.3], into: &output)
        let start = output.count
        output.append(contentsOf: payload)
        output.withUnsafeMutableBytes { WebSocketMask.apply(key: key, to: UnsafeMutableRawBufferPointer(rebasing: $0[start...]), offset: 0) }
    }

    /// xorshift64* seeded from the system's random source when the connection is made. The mask only has to be
    /// unpredictable to scripts in a browser page (RFC 6455 §10.3), not cryptographically strong, and a
    /// syscall per frame would dominate the load generator's cost.
    private mutating func nextMaskingKey() -> (UInt8, UInt8, UInt8, UInt8) {
        maskState ^= maskState >> 12
        maskState ^= maskState << 25
        maskState ^= maskState >> 27
        let v = UInt32(truncatingIfNeeded: (maskState &* 0x2545_F491_4F6C_DD1D) >> 32)
        return (UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 24))
    }
}
