/// RFC 6455 §5.2 opcodes. Values 3–7 and 0xB–0xF are reserved and make a frame invalid.
public enum WebSocketOpcode: UInt8, Sendable, Equatable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Control frames (close, ping, pong) may not be fragmented and carry at most 125 bytes (§5.5).
    public var isControl: Bool { rawValue & 0x8 != 0 }
}
