/// Appends JSON text to a byte array without building an intermediate object tree.
///
/// Server messages and error bodies are small, flat objects; writing them directly is cheaper than
/// `JSONSerialization` and keeps key order stable, which makes wire captures and tests readable.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    public init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    public mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    public mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes `"key":` inside an object; the value must follow.
    public mutating func key(_ key: String) {
        separator()
        Self.appendQuoted(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        // The value that follows must not write another comma.
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    public mutating func value(_ string: String) { separator(); Self.appendQuoted(string, to: &bytes) }
    public mutating func value(_ int: Int) { separator(); bytes.append(contentsOf: String(int).utf8) }
    public mutating func value(_ int: Int64) { separator(); bytes.append(contentsOf: String(int).utf8) }
    public mutating func value(_ bool: Bool) { separator(); bytes.append(contentsOf: (bool ? "true" : "false").utf8) }
    public mutating func nullValue() { separator(); bytes.append(contentsOf: "null".utf8) }

    /// Writes a finite double with up to `decimals` fractional digits; non-finite values become `null`
    /// because JSON has no NaN or infinity.
    public mutating func value(_ double: Double, decimals: Int = 3) {
        separator()
        guard double.isFinite else { bytes.append(contentsOf: "null".utf8); return }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (double * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            bytes.append(contentsOf: String(Int64(rounded)).utf8)
        } else {
            bytes.append(contentsOf: String(rounded).utf8)
        }
    }

    /// Inserts already-encoded JSON (for example a relayed object) as a value.
    public mutating func rawValue(_ json: some Collection<UInt8>) { separator(); bytes.append(contentsOf: json) }

    /// Inserts already-encoded members (`"a":1,"b":2`, no braces) into the current object.
    public mutating func rawMembers(_ json: some Collection<UInt8>) {
        guard !json.isEmpty else { return }
        separator()
        bytes.append(contentsOf: json)
    }

    public mutating func field(_ name: String, _ v: String) { key(name); value(v) }
    public mutating func field(_ name: String, _ v: Int) { key(name); value(v) }
    public mutating func field(_ name: String, _ v: Int64) { key(name); value(v) }
    public mutating func field(_ name: String, _ v: Bool) { key(name); value(v) }
    public mutating func field(_ name: String, _ v: Double, decimals: Int = 3) { key(name); value(v, decimals: decimals) }

    private mutating func separator() {
        guard let last = needsComma.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) } else { needsComma[needsComma.count - 1] = true }
    }

    /// Appends `s` as a JSON string literal, escaping quotes, backslashes and control characters (RFC 8259 §7).
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
