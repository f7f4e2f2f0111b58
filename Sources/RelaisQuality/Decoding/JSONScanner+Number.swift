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

    /// Exact powers of ten: every 10^k for k ≤ 22 is representable in a `Double`. A switch of
    /// constants compiles to a constant-pool table: no lazy global, no array, no bounds check.
    @inline(__always)
    static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Validates a number token against the JSON grammar and folds its digits.
    ///
    /// Same result as folding digit by digit with a significant-digit counter, in tighter loops:
    /// leading zeros of a fraction only move the decimal point; after 19 significant digits the
    /// mantissa is incomplete and ``readNumber()`` takes the `strtod` path, so the wrapped
    /// mantissa and exponent of such a number are never read.
    @inline(__always)
    mutating func scanNumber() throws(StatsDecodeError) -> JSONNumber {
        let start = pos
        var mantissa: UInt64 = 0
        var exponent10 = 0
        var significant = 0
        let negative = base[pos] == UInt8(ascii: "-")
        if negative { pos &+= 1 }
        guard pos < count else { throw .truncated }
        // Integer part: `0` or a non-zero digit followed by digits.
        if base[pos] == UInt8(ascii: "0") {
            pos &+= 1
        } else if isDigit(base[pos]) {
            significant = digitRun(into: &mantissa)
        } else {
            throw .invalidJSON(offset: pos)
        }
        if pos < count, base[pos] == UInt8(ascii: ".") {
            pos &+= 1
            guard pos < count else { throw .truncated }
            guard isDigit(base[pos]) else { throw .invalidJSON(offset: pos) }
            if mantissa == 0 {
                while pos < count, base[pos] == UInt8(ascii: "0") {
                    exponent10 &-= 1
                    pos &+= 1
                }
            }
            let n = digitRun(into: &mantissa)
            significant &+= n
            exponent10 &-= n
        }
        if pos < count, base[pos] | 0x20 == UInt8(ascii: "e") {
            pos &+= 1
            guard pos < count else { throw .truncated }
            var expNegative = false
            if base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") {
                expNegative = base[pos] == UInt8(ascii: "-")
                pos &+= 1
            }
            guard pos < count else { throw .truncated }
            guard isDigit(base[pos]) else { throw .invalidJSON(offset: pos) }
            var e = 0
            while pos < count, isDigit(base[pos]) {
                // Saturate: 1e999999 is as infinite as 1e400, and must not overflow an Int.
                if e < 100_000 { e = e * 10 + Int(base[pos] &- 0x30) }
                pos &+= 1
            }
            exponent10 &+= expNegative ? -e : e
        }
        if pos - start > Self.maxNumberBytes { throw .valueTooLong(offset: start) }
        // A number must be followed by a delimiter; `12abc` is not a number.
        if pos < count {
            let b = base[pos]
            if !(b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20
                || b == 0x0A || b == 0x0D || b == 0x09)
            {
                throw .invalidJSON(offset: pos)
            }
        }
        return JSONNumber(start: start, end: pos, mantissa: mantissa, exponent10: exponent10, negative: negative,
                          mantissaIsComplete: significant <= 19)
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// Consumes the run of digits at the cursor, folding them into `mantissa` (wrapping: only
    /// read when the number has at most 19 significant digits), and returns how many there were.
    /// Eight bytes per step (counters and timestamps are 4–16 digits); see `eightDigits`.
    @inline(__always)
    private mutating func digitRun(into mantissa: inout UInt64) -> Int {
        let start = pos
        while pos &+ 8 <= count {
            let w = UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self)
            // Lanes that are not ASCII digits get a bit of their high nibble set (a carry can
            // only disturb lanes above the first such lane, which are not looked at).
            let x = w ^ 0x3030_3030_3030_3030
            let nonDigit = (x | (x &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0
            let n = nonDigit.trailingZeroBitCount &>> 3  // digits before the first non-digit, 0…8
            if n == 0 { return pos &- start }
            // Move the n digits to the top lanes; the zero lanes below read as leading zeros.
            mantissa = mantissa &* Self.powerOfTenInteger(n) &+ Self.eightDigits(w &<< UInt64(64 &- 8 &* n))
            pos &+= n
            if n < 8 { return pos &- start }
        }
        while pos < count, isDigit(base[pos]) {
            mantissa = mantissa &* 10 &+ UInt64(base[pos] &- 0x30)
            pos &+= 1
        }
        return pos &- start
    }

    /// The value of eight ASCII digits in a little-endian word, first digit in the lowest lane
    /// (three multiplies instead of eight; the method of simdjson and fast_float).
    @inline(__always)
    static func eightDigits(_ word: UInt64) -> UInt64 {
        var v = word & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 2561) &>> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
    }

    /// 10^k for k in 1…8.
    @inline(__always)
    static func powerOfTenInteger(_ k: Int) -> UInt64 {
        switch k {
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        default: 100_000_000
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
                value /= Self.powerOfTen(-n.exponent10)
            } else {
                value *= Self.powerOfTen(n.exponent10)
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
