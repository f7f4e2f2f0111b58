/// Incremental UTF-8 validation (Björn Höhrmann's DFA), so a text message split across frames is rejected at
/// the first invalid byte instead of after it has been fully buffered (RFC 6455 §8.1, Autobahn 6.4 "fail fast").
///
/// Rejects overlong forms, surrogates (U+D800–DFFF) and code points above U+10FFFF, as RFC 3629 requires.
public struct UTF8Validator: Sendable {
    private var state: UInt8 = Self.accept

    static let accept: UInt8 = 0
    static let reject: UInt8 = 12

    public init() {}

    /// Whether everything fed so far ends on a complete code point.
    public var isComplete: Bool { state == Self.accept }

    /// Feeds bytes; returns false as soon as the input can no longer be valid UTF-8.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // The tables are read through pointers taken once, outside the loop: indexing the global arrays per
        // byte (lazy-global access plus bounds checks) made non-ASCII text about 5 ns per byte.
        Self.characterClass.withUnsafeBufferPointer { classes in
            Self.transitions.withUnsafeBufferPointer { table in
                feed(bytes, classes: classes, table: table)
            }
        }
    }

    private mutating func feed(_ bytes: UnsafeRawBufferPointer, classes: UnsafeBufferPointer<UInt8>,
                               table: UnsafeBufferPointer<UInt8>) -> Bool {
        var s = state
        var i = 0
        let count = bytes.count
        guard let base = bytes.baseAddress else { return true }
        while i < count {
            // ASCII fast path: while in the accept state, skip 8 bytes at a time if none has the high bit.
            if s == Self.accept {
                while i + 8 <= count, (base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                if i >= count { break }
            }
            let byte = base.load(fromByteOffset: i, as: UInt8.self)
            s = table[Int(s) &+ Int(classes[Int(byte)])]
            if s == Self.reject {
                state = s
                return false
            }
            i += 1
        }
        state = s
        return true
    }

    public mutating func feed(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { feed($0) }
    }

    public mutating func reset() { state = Self.accept }

    /// Validates a complete byte sequence.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var v = UTF8Validator()
        return v.feed(bytes) && v.isComplete
    }

    // Byte classes and transitions of the DFA (states are multiples of 12).
    private static let characterClass: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in 0x80...0x8F { t[b] = 1 }
        for b in 0x90...0x9F { t[b] = 9 }
        for b in 0xA0...0xBF { t[b] = 7 }
        t[0xC0] = 8; t[0xC1] = 8
        for b in 0xC2...0xDF { t[b] = 2 }
        t[0xE0] = 10
        for b in 0xE1...0xEC { t[b] = 3 }
        t[0xED] = 4
        t[0xEE] = 3; t[0xEF] = 3
        t[0xF0] = 11
        for b in 0xF1...0xF3 { t[b] = 6 }
        t[0xF4] = 5
        for b in 0xF5...0xFF { t[b] = 8 }
        return t
    }()

    private static let transitions: [UInt8] = [
        0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72,
        12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
        12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12,
        12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,
        12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12,
        12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
        12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
        12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
        12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    ]
}
