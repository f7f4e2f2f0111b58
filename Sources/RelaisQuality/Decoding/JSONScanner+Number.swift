// RelaisQuality: number tokens of the JSON scanner.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A validated JSON number: its digits folded into a mantissa and a decimal exponent.
struct JSONNumber {
    var start: Int
    var end: Int
    var mantissa: UInt64
    var exponent10: Int
    var negative: Bool
    /// `false` when more than 19 significant digits were seen (the mantissa is then truncated).
    var mantissaIsComplete: Bool
}

extension JSONScanner {
    /// Longest number token accepted. Real stats numbers are at most ~25 bytes.
    static let maxNumberBytes = 64

    /// Exact powers of ten: every 10^k for k ≤ 22 is representable in a `Double`.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Validates a number token against the JSON grammar and folds its digits.
    mutating func scanNumber() throws(StatsDecodeError) -> JSONNumber {
        let start = pos
        var n = JSONNumber(start: start, end: start, mantissa: 0, exponent10: 0, negative: false,
                           mantissaIsComplete: true)
        var significant = 0
        if base[pos] == UInt8(ascii: "-") { n.negative = true; pos += 1 }
        guard pos < count else { throw .truncated }
        // Integer part: `0` or a non-zero digit followed by digits.
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
        } else if isDigit(base[pos]) {
            while pos < count, isDigit(base[pos]) {
                fold(base[pos], into: &n, significant: &significant, fraction: false)
                pos += 1
            }
        } else {
            throw .invalidJSON(offset: pos)
        }
        if pos < count, base[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < count else { throw .truncated }
            guard isDigit(base[pos]) else { throw .invalidJSON(offset: pos) }
            while pos < count, isDigit(base[pos]) {
                fold(base[pos], into: &n, significant: &significant, fraction: true)
                pos += 1
            }
        }
        if pos < count, base[pos] | 0x20 == UInt8(ascii: "e") {
            pos += 1
            guard pos < count else { throw .truncated }
            var expNegative = false
            if base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") {
                expNegative = base[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard pos < count else { throw .truncated }
            guard isDigit(base[pos]) else { throw .invalidJSON(offset: pos) }
            var e = 0
            while pos < count, isDigit(base[pos]) {
                // Saturate: 1e999999 is as infinite as 1e400, and must not overflow an Int.
                if e < 100_000 { e = e * 10 + Int(base[pos] &- 0x30) }
                pos += 1
            }
            n.exponent10 += expNegative ? -e : e
        }
        n.end = pos
        if n.end - start > Self.maxNumberBytes { throw .valueTooLong(offset: start) }
        // A number must be followed by a delimiter; `12abc` is not a number.
        if pos < count {
            let b = base[pos]
            if !(b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20
                || b == 0x0A || b == 0x0D || b == 0x09)
            {
                throw .invalidJSON(offset: pos)
            }
        }
        return n
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    @inline(__always)
    private func fold(_ digit: UInt8, into n: inout JSONNumber, significant: inout Int, fraction: Bool) {
        let d = UInt64(digit &- 0x30)
        if n.mantissa == 0 && d == 0 {
            // Leading zeros carry no information, only the decimal point position.
            if fraction { n.exponent10 -= 1 }
            return
        }
        if significant < 19 {
            n.mantissa = n.mantissa &* 10 &+ d
            significant += 1
            if fraction { n.exponent10 -= 1 }
        } else {
            n.mantissaIsComplete = false
            if !fraction { n.exponent10 += 1 }
        }
    }

    /// Reads a number as a `Double`, rejecting values that overflow to infinity.
    ///
    /// Fast path: up to 19 significant digits and |exponent| ≤ 22 cost one multiply or divide by
    /// an exact power of ten. That is correctly rounded while the mantissa fits in 53 bits and at
    /// most one unit in the last place off beyond that, which is far below anything a quality
    /// score can notice. Anything else goes to the C library's `strtod` on a stack copy.
    mutating func readNumber() throws(StatsDecodeError) -> Double {
        let n = try scanNumber()
        var value: Double
        if n.mantissaIsComplete, n.exponent10 >= -22, n.exponent10 <= 22 {
            value = Double(n.mantissa)
            if n.exponent10 < 0 {
                value /= Self.powersOfTen[-n.exponent10]
            } else {
                value *= Self.powersOfTen[n.exponent10]
            }
            if n.negative { value = -value }
        } else {
            value = slowParse(n)
        }
        guard value.isFinite else { throw .nonFinite(offset: n.start) }
        return value
    }

    private func slowParse(_ n: JSONNumber) -> Double {
        let length = n.end - n.start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buf in
            for i in 0..<length { buf[i] = CChar(bitPattern: base[n.start + i]) }
            buf[length] = 0
            return strtod(buf.baseAddress!, nil)  // capacity ≥ 1, so baseAddress is non-nil
        }
    }
}
