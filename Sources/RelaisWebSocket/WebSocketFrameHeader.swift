/// A decoded frame header (RFC 6455 §5.2), validated for the rules that do not depend on connection state.
public struct WebSocketFrameHeader: Equatable, Sendable {
    public var fin: Bool
    public var rsv1: Bool
    public var rsv2: Bool
    public var rsv3: Bool
    public var opcode: WebSocketOpcode
    /// The masking key, or nil for an unmasked frame.
    public var maskingKey: (UInt8, UInt8, UInt8, UInt8)?
    public var payloadLength: Int
    /// Bytes taken by the header itself (2 to 14).
    public var headerLength: Int

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fin == rhs.fin && lhs.rsv1 == rhs.rsv1 && lhs.rsv2 == rhs.rsv2 && lhs.rsv3 == rhs.rsv3
            && lhs.opcode == rhs.opcode && lhs.payloadLength == rhs.payloadLength && lhs.headerLength == rhs.headerLength
            && lhs.maskingKey.map { [$0.0, $0.1, $0.2, $0.3] } == rhs.maskingKey.map { [$0.0, $0.1, $0.2, $0.3] }
    }

    public var maskingKeyBytes: [UInt8]? { maskingKey.map { [$0.0, $0.1, $0.2, $0.3] } }

    public enum ParseResult: Equatable, Sendable {
        case header(WebSocketFrameHeader)
        case needMore
        /// The frame breaks a rule; close with `code`.
        case invalid(WebSocketCloseCode, String)
    }

    /// Parses a header from the start of `bytes`. `maxPayload` bounds a single frame before its payload is
    /// buffered, so a peer cannot make us wait for (and store) a 2^63-byte frame.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxPayload: Int) -> ParseResult {
        guard bytes.count >= 2 else { return .needMore }
        let b0 = bytes[0], b1 = bytes[1]
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else {
            return .invalid(.protocolError, "reserved opcode \(b0 & 0x0F)")
        }
        let fin = b0 & 0x80 != 0
        let masked = b1 & 0x80 != 0
        var length = Int(b1 & 0x7F)
        var offset = 2
        if opcode.isControl {
            guard fin else { return .invalid(.protocolError, "fragmented control frame") }
            guard length <= 125 else { return .invalid(.protocolError, "control frame payload over 125 bytes") }
        }
        if length == 126 {
            guard bytes.count >= 4 else { return .needMore }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return .needMore }
            guard bytes[2] & 0x80 == 0 else { return .invalid(.protocolError, "64-bit length with the high bit set") }
            var value: UInt64 = 0
            for i in 2..<10 { value = value << 8 | UInt64(bytes[i]) }
            guard value <= UInt64(maxPayload) else { return .invalid(.messageTooBig, "frame of \(value) bytes") }
            length = Int(value)
            offset = 10
        }
        guard length <= maxPayload else { return .invalid(.messageTooBig, "frame of \(length) bytes") }
        var key: (UInt8, UInt8, UInt8, UInt8)?
        if masked {
            guard bytes.count >= offset + 4 else { return .needMore }
            key = (bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3])
            offset += 4
        }
        return .header(WebSocketFrameHeader(
            fin: fin, rsv1: b0 & 0x40 != 0, rsv2: b0 & 0x20 != 0, rsv3: b0 & 0x10 != 0, opcode: opcode,
            maskingKey: key, payloadLength: length, headerLength: offset))
    }

    /// Appends a header with the shortest length encoding (RFC 6455 §5.2 requires minimal encoding).
    public static func write(
        fin: Bool, rsv1: Bool, rsv2: Bool = false, rsv3: Bool = false, opcode: UInt8, payloadLength: Int,
        maskingKey: [UInt8]?, into out: inout [UInt8]
    ) {
        var b0 = opcode & 0x0F
        if fin { b0 |= 0x80 }
        if rsv1 { b0 |= 0x40 }
        if rsv2 { b0 |= 0x20 }
        if rsv3 { b0 |= 0x10 }
        out.append(b0)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        if payloadLength < 126 {
            out.append(maskBit | UInt8(payloadLength))
        } else if payloadLength <= 0xFFFF {
            out.append(maskBit | 126)
            out.append(UInt8(payloadLength >> 8))
            out.append(UInt8(payloadLength & 0xFF))
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((UInt64(payloadLength) >> UInt64(shift)) & 0xFF)) }
        }
        if let maskingKey { out.append(contentsOf: maskingKey) }
    }
}
