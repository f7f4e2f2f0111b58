// RelaisQuality: a tiny JSON byte writer for the quality messages (no Foundation).

/// Appends JSON tokens to a byte array. Numbers are written with a fixed number of decimals
/// (scores don't need more than 3), which is also what makes output stable for tests.
struct JSONWriter {
    var bytes: [UInt8]

    mutating func raw(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hex[Int(b >> 4)])
                bytes.append(Self.hex[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes `v` rounded to `decimals` places, trailing zeros trimmed; non-finite → `null`.
    mutating func number(_ v: Double, decimals: Int = 3) {
        guard v.isFinite else { return raw("null") }
        var scale: Double = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(v) * scale).rounded()
        guard scaled < 9e15 else {
            // Out of the exact-integer range: integers of that size are all we could print anyway.
            return digits(UInt64(min(abs(v), 1.8e19)), negative: v < 0)
        }
        var n = UInt64(scaled)
        if n == 0 { return bytes.append(UInt8(ascii: "0")) }
        var frac = decimals
        while frac > 0, n % 10 == 0 {
            n /= 10
            frac -= 1
        }
        var tmp = [UInt8](repeating: 0, count: 0)
        tmp.reserveCapacity(24)
        var x = n
        var written = 0
        repeat {
            if written == frac, frac > 0 { tmp.append(UInt8(ascii: ".")) }
            tmp.append(UInt8(ascii: "0") + UInt8(x % 10))
            x /= 10
            written += 1
        } while x > 0 || written <= frac
        if v < 0 { tmp.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: tmp.reversed())
    }

    private mutating func digits(_ n: UInt64, negative: Bool) {
        if negative { bytes.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: String(n).utf8)
    }

    mutating func optionalNumber(_ v: Double?, decimals: Int = 3) {
        if let v { number(v, decimals: decimals) } else { raw("null") }
    }
}

extension ParticipantQuality {
    /// Appends the DESIGN.md `quality` payload: `{"participant":…,"level":…,"mos":…,"limitedBy":…,
    /// "method":…,"audio":{"mos","r","lossPct","rttMs","jitterMs"},"video":{"mos","bitrateKbps",
    /// "fps","freezePct"}}`. The server adds `type` and `seq`. Absent parts are omitted; an
    /// unknown MOS or factor is `null`.
    public func encode(into bytes: inout [UInt8]) {
        var w = JSONWriter(bytes: [])
        swap(&w.bytes, &bytes)
        defer { swap(&w.bytes, &bytes) }
        w.raw("{\"participant\":")
        w.string(participant)
        w.raw(",\"level\":")
        w.string(level.name)
        w.raw(",\"mos\":")
        w.optionalNumber(mos, decimals: 2)
        w.raw(",\"limitedBy\":")
        if let limitedBy { w.string(limitedBy.name) } else { w.raw("null") }
        w.raw(",\"method\":")
        w.string(method)
        if let a = audio {
            w.raw(",\"audio\":{\"mos\":")
            w.number(a.mos, decimals: 2)
            w.raw(",\"r\":")
            w.number(a.r, decimals: 1)
            w.raw(",\"lossPct\":")
            w.number(a.lossPct, decimals: 2)
            w.raw(",\"rttMs\":")
            w.number(a.rttMs, decimals: 1)
            w.raw(",\"jitterMs\":")
            w.number(a.jitterMs, decimals: 1)
            w.raw("}")
        }
        if let v = video {
            w.raw(",\"video\":{\"mos\":")
            w.number(v.mos, decimals: 2)
            w.raw(",\"bitrateKbps\":")
            w.number(v.bitrateKbps, decimals: 0)
            w.raw(",\"fps\":")
            w.number(v.fps, decimals: 1)
            w.raw(",\"freezePct\":")
            w.number(v.freezePct, decimals: 1)
            w.raw("}")
        }
        w.raw("}")
    }

    /// The payload as a `String` (allocates; for logs and tests).
    public var jsonString: String {
        var b: [UInt8] = []
        encode(into: &b)
        return String(decoding: b, as: UTF8.self)
    }
}
