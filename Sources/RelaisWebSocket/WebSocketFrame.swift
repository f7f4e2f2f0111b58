/// One WebSocket frame with its payload already unmasked. Used by the client, tests and fuzzers; the server's
/// hot path decodes headers with `WebSocketFrameHeader` and unmasks straight into the message being assembled.
public struct WebSocketFrame: Equatable, Sendable {
    public var fin: Bool
    /// RSV1: set on the first frame of a permessage-deflate compressed message (RFC 7692 §6).
    public var rsv1: Bool
    public var rsv2: Bool = false
    public var rsv3: Bool = false
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, rsv1: Bool = false, opcode: WebSocketOpcode, payload: [UInt8]) {
        self.fin = fin
        self.rsv1 = rsv1
        self.opcode = opcode
        self.payload = payload
    }

    /// Appends the wire form. With `maskingKey` (clients must mask, RFC 6455 §5.3) the payload is masked.
    public func encode(into out: inout [UInt8], maskingKey: [UInt8]? = nil) {
        WebSocketFrameHeader.write(
            fin: fin, rsv1: rsv1, rsv2: rsv2, rsv3: rsv3, opcode: opcode.rawValue, payloadLength: payload.count,
            maskingKey: maskingKey, into: &out)
        let start = out.count
        out.append(contentsOf: payload)
        if let key = maskingKey {
            out.withUnsafeMutableBytes { raw in
                WebSocketMask.apply(key: key, to: UnsafeMutableRawBufferPointer(rebasing: raw[start...]), offset: 0)
            }
        }
    }

    public var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }
}
