/// XOR masking (RFC 6455 §5.3), eight bytes at a time.
public enum WebSocketMask {
    /// Masks or unmasks `buffer` in place. `offset` is the position of `buffer[0]` within the frame payload, so a
    /// payload processed in pieces stays aligned with the 4-byte key.
    public static func apply(key: [UInt8], to buffer: UnsafeMutableRawBufferPointer, offset: Int) {
        precondition(key.count == 4)
        apply(key: (key[0], key[1], key[2], key[3]), to: buffer, offset: offset)
    }

    @inlinable
    public static func apply(key: (UInt8, UInt8, UInt8, UInt8), to buffer: UnsafeMutableRawBufferPointer, offset: Int) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        // The key as a little-endian word, rotated so byte 0 of `buffer` lines up with key[offset % 4].
        let natural = UInt32(key.0) | UInt32(key.1) << 8 | UInt32(key.2) << 16 | UInt32(key.3) << 24
        let shift = UInt32((offset & 3) * 8)
        let rotated = shift == 0 ? natural : (natural >> shift | natural << (32 - shift))
        let word = UInt64(rotated) | UInt64(rotated) << 32
        let count = buffer.count
        var i = 0
        while i + 8 <= count {
            let p = base + i
            p.storeBytes(of: p.loadUnaligned(as: UInt64.self) ^ word.littleEndian, as: UInt64.self)
            i += 8
        }
        while i < count {
            buffer[i] ^= UInt8(truncatingIfNeeded: rotated >> UInt32((i & 3) * 8))
            i += 1
        }
    }
}
