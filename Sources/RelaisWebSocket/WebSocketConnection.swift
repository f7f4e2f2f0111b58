import RelaisCore

/// The protocol state of one WebSocket connection (RFC 6455 + RFC 7692), as a pure state machine.
///
/// The driver hands it inbound bytes and pulls `Event`s; control-frame answers (pong, close reply) and outgoing
/// messages are appended to an output byte array the driver writes. No sockets, no clocks: deadlines (close
/// handshake, idle pings) live in the driver, which asks `closeDeadlineNeeded` and calls `close` itself.
///
/// `~Copyable` because it owns the zlib streams of permessage-deflate.
public struct WebSocketConnection: ~Copyable {
    public enum Role: Sendable { case server, client }

    public enum State: Equatable, Sendable {
        case open
        /// We sent a close frame and wait for the peer's.
        case closeSent
        /// Both close frames exchanged, or the connection failed: the driver closes TCP once output is flushed.
        case closed
    }

    public enum Event: Equatable, Sendable {
        /// A complete text message, already validated as UTF-8.
        case text([UInt8])
        case binary([UInt8])
        /// A ping; the pong is already in the output.
        case ping([UInt8])
        case pong([UInt8])
        /// The close handshake finished or the peer closed first (our reply is in the output).
        /// `code` is nil when the close frame carried none (1005).
        case closed(code: WebSocketCloseCode?, reason: String)
        /// The peer broke the protocol; a close frame with `code` is in the output.
        case failed(WebSocketCloseCode, String)
    }

    public struct Limits: Sendable, Equatable {
        /// Largest message after reassembly and decompression (1009 beyond).
        public var maxMessageBytes: Int = 256 * 1024
        /// Smallest message worth compressing (shorter ones go out plain, which RFC 7692 allows per message).
        public var minCompressBytes: Int = 64
        public init() {}
    }

    public let role: Role
    public let limits: Limits
    public internal(set) var state: State = .open
    public let deflate: PerMessageDeflateConfiguration?

    // Message being reassembled.
    private var messageOpcode: WebSocketOpcode?
    private var messageCompressed = false
    private var message: [UInt8] = []
    private var utf8 = UTF8Validator()
    private var scratch: [UInt8] = []
    internal var deflater: DeflateStream
    private var inflater = InflateStream()
    internal var maskState: UInt64

    public init(role: Role, limits: Limits = Limits(), deflate: PerMessageDeflateConfiguration? = nil, maskSeed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        self.role = role
        self.limits = limits
        self.deflate = deflate
        let ourWindow = role == .server ? (deflate?.serverMaxWindowBits ?? 15) : (deflate?.clientMaxWindowBits ?? 15)
        deflater = DeflateStream(windowBits: max(9, ourWindow))
        maskState = maskSeed | 1
    }

    /// Whether we reset our compressor after each message.
    internal var ourNoContextTakeover: Bool {
        role == .server ? (deflate?.serverNoContextTakeover ?? false) : (deflate?.clientNoContextTakeover ?? false)
    }

    /// Whether the peer resets its compressor after each message (so we may free our inflater between messages).
    private var peerNoContextTakeover: Bool {
        role == .server ? (deflate?.clientNoContextTakeover ?? false) : (deflate?.serverNoContextTakeover ?? false)
    }

    /// Bytes held for a partially received message (for memory accounting).
    public var bufferedMessageBytes: Int { message.count }
}

extension WebSocketConnection {
    /// Parses the next event from `input`, consuming the bytes it used. Returns nil when more bytes are needed
    /// or the connection is closed. Control replies are appended to `output`.
    public mutating func nextEvent(from input: inout ByteBuffer, output: inout [UInt8]) -> Event? {
        while state != .closed {
            let parsed = input.withUnsafeReadableBytes { WebSocketFrameHeader.parse($0, maxPayload: limits.maxMessageBytes) }
            switch parsed {
            case .needMore:
                return nil
            case .invalid(let code, let reason):
                return fail(code, reason, output: &output)
            case .header(let header):
                guard input.readableBytes >= header.headerLength + header.payloadLength else { return nil }
                if let event = handleFrame(header, input: &input, output: &output) { return event }
            }
        }
        return nil
    }

    /// Handles one complete frame at the front of `input` and consumes it.
    private mutating func handleFrame(_ header: WebSocketFrameHeader, input: inout ByteBuffer, output: inout [UInt8]) -> Event? {
        // Masking direction (§5.1): clients mask, servers do not.
        if (role == .server) != (header.maskingKey != nil) {
            return fail(.protocolError, role == .server ? "client frame not masked" : "server frame masked", output: &output)
        }
        if header.rsv2 || header.rsv3 { return fail(.protocolError, "reserved bits set", output: &output) }
        if header.rsv1 && (deflate == nil || header.opcode.isControl || header.opcode == .continuation) {
            return fail(.protocolError, "RSV1 without permessage-deflate on a first data frame", output: &output)
        }
        if header.opcode.isControl {
            var payload = input.withUnsafeReadableBytes {
                Array($0[header.headerLength..<(header.headerLength + header.payloadLength)])
            }
            input.moveReaderIndex(forwardBy: header.headerLength + header.payloadLength)
            if let key = header.maskingKey { payload.withUnsafeMutableBytes { WebSocketMask.apply(key: key, to: $0, offset: 0) } }
            return handleControl(header.opcode, payload, output: &output)
        }
        return handleData(header, input: &input, output: &output)
    }

    private mutating func handleControl(_ opcode: WebSocketOpcode, _ payload: [UInt8], output: inout [UInt8]) -> Event? {
        switch opcode {
        case .ping:
            if state == .open { writeFrame(opcode: .pong, payload: payload, into: &output) }
            return .ping(payload)
        case .pong:
            return .pong(payload)
        default:
            return handleClose(payload, output: &output)
        }
    }

    /// Close frame rules (§5.5.1, §7.4): an optional 2-byte code that must be valid on the wire, then UTF-8.
    private mutating func handleClose(_ payload: [UInt8], output: inout [UInt8]) -> Event? {
        var code: WebSocketCloseCode?
        var reason = ""
        if payload.count == 1 { return fail(.protocolError, "close payload of 1 byte", output: &output) }
        if payload.count >= 2 {
            let c = WebSocketCloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1]))
            guard c.isValidOnWire else { return fail(.protocolError, "invalid close code \(c.rawValue)", output: &output) }
            let text = payload[2...]
            guard text.withUnsafeBytes({ UTF8Validator.isValid($0) }) else {
                return fail(.invalidPayload, "close reason is not UTF-8", output: &output)
            }
            code = c
            reason = String(decoding: text, as: UTF8.self)
        }
        if state == .open {
            // Echo the peer's code (or send none when it sent none), as most stacks and Autobahn expect.
            var reply: [UInt8] = []
            if let code { reply = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)] }
            writeFrame(opcode: .close, payload: reply, into: &output)
        }
        state = .closed
        releaseBuffers()
        return .closed(code: code, reason: reason)
    }

    private mutating func handleData(_ header: WebSocketFrameHeader, input: inout ByteBuffer, output: inout [UInt8]) -> Event? {
        if header.opcode == .continuation {
            guard messageOpcode != nil else { return fail(.protocolError, "continuation without a message", output: &output) }
        } else {
            guard messageOpcode == nil else { return fail(.protocolError, "new message inside a fragmented one", output: &output) }
            messageOpcode = header.opcode
            messageCompressed = header.rsv1
            utf8.reset()
        }
        let start = header.headerLength, end = header.headerLength + header.payloadLength
        if messageCompressed {
            scratch.removeAll(keepingCapacity: true)
            input.withUnsafeReadableBytes { scratch.append(contentsOf: $0[start..<end]) }
            input.moveReaderIndex(forwardBy: end)
            if let key = header.maskingKey { scratch.withUnsafeMutableBytes { WebSocketMask.apply(key: key, to: $0, offset: 0) } }
            let before = message.count
            let failure: InflateStream.Failure? = scratch.withUnsafeBytes { raw in
                do throws(InflateStream.Failure) {
                    try inflater.decompress(raw, final: header.fin, limit: limits.maxMessageBytes, into: &message)
                    return nil
                } catch { return error }
            }
            if let failure {
                return failure == .tooBig
                    ? fail(.messageTooBig, "message over \(limits.maxMessageBytes) bytes after decompression", output: &output)
                    : fail(.invalidPayload, "corrupt compressed data", output: &output)
            }
            if messageOpcode == .text && !validateUTF8(from: before) {
                return fail(.invalidPayload, "text message is not UTF-8", output: &output)
            }
            if header.fin && peerNoContextTakeover { inflater.release() }
        } else {
            guard message.count + header.payloadLength <= limits.maxMessageBytes else {
                return fail(.messageTooBig, "message over \(limits.maxMessageBytes) bytes", output: &output)
            }
            let before = message.count
            input.withUnsafeReadableBytes { message.append(contentsOf: $0[start..<end]) }
            input.moveReaderIndex(forwardBy: end)
            if let key = header.maskingKey {
                message.withUnsafeMutableBytes { WebSocketMask.apply(key: key, to: UnsafeMutableRawBufferPointer(rebasing: $0[before...]), offset: 0) }
            }
            // Fail fast: check each fragment as it arrives rather than the whole message at the end.
            if messageOpcode == .text && !validateUTF8(from: before) {
                return fail(.invalidPayload, "text message is not UTF-8", output: &output)
            }
        }
        guard header.fin else { return nil }
        let opcode = messageOpcode
        messageOpcode = nil
        let complete = message
        message = []
        if opcode == .text {
            guard utf8.isComplete else { return fail(.invalidPayload, "text message ends inside a character", output: &output) }
            return state == .open ? .text(complete) : nil
        }
        return state == .open ? .binary(complete) : nil
    }

    private mutating func validateUTF8(from offset: Int) -> Bool {
        message.withUnsafeBytes { utf8.feed(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }

    /// Sends a close frame for a protocol violation and marks the connection closed.
    private mutating func fail(_ code: WebSocketCloseCode, _ reason: String, output: inout [UInt8]) -> Event {
        if state == .open { writeClose(code: code, reason: reason, into: &output) }
        state = .closed
        releaseBuffers()
        return .failed(code, reason)
    }

    private mutating func releaseBuffers() {
        message = []
        scratch = []
        inflater.release()
        deflater.release()
    }
}
