// RelaisQuality: numbers, short strings and literals in the compact fast path.

extension StatsDecoder {
    /// A number value for metric `code`; `nil` for anything the general path must judge
    /// (not a number, `null`, a negative counter).
    @inline(never)
    static func number(_ s: inout JSONScanner, _ code: Int) throws(StatsDecodeError) -> Double? {
        guard s.pos < s.count else { return nil }
        let b = s.base[s.pos]
        guard b &- 0x30 < 10 || (b == UInt8(ascii: "-") && s.pos &+ 1 < s.count && s.base[s.pos &+ 1] &- 0x30 < 10)
        else { return nil }
        // Counters, gauges and timestamps take `fastDecimal`. Anything else (signs, exponents,
        // longer runs, a leading zero) is read by the scanner, which validates the grammar.
        if let (v, end) = fastDecimal(s.base, s.count, s.pos) {
            s.pos = end
            return v
        }
        let v = try s.readNumber()
        if v < 0, code != StatsMetric.packetsLost.rawValue { return nil }
        return v
    }

    /// A string value of at most 7 plain bytes (ids, kinds, directions, codecs), read with one
    /// load: the same token `readString` returns (its first special byte is the closing quote,
    /// and the fast path runs only when `maxStringBytes` ≥ 32). `nil`: let `readString` read it.
    @inline(__always)
    static func shortString(_ s: inout JSONScanner) -> JSONString? {
        let start = s.pos &+ 1
        guard start &+ 8 <= s.count else { return nil }
        let special = JSONScanner.specialBytes(UnsafeRawPointer(s.base + start).loadUnaligned(as: UInt64.self))
        guard special != 0 else { return nil }
        let n = special.trailingZeroBitCount &>> 3
        guard s.base[start &+ n] == UInt8(ascii: "\"") else { return nil }
        s.pos = start &+ n &+ 1
        return s.token(start, start &+ n)
    }

    /// Digits at the start of an 8-byte little-endian word (0–8).
    @inline(__always)
    private static func leadingDigits(_ w: UInt64) -> Int {
        let x = w ^ 0x3030_3030_3030_3030
        return ((x | (x &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0).trailingZeroBitCount &>> 3
    }

    /// The value of the first `n` (1–8) digits of `w`.
    @inline(__always)
    private static func digitsValue(_ w: UInt64, _ n: Int) -> UInt64 {
        JSONScanner.eightDigits(w &<< UInt64(truncatingIfNeeded: 64 &- 8 &* n))
    }

    /// The 8 bytes at `p`, zero-filled past the end of the report (a zero byte is not a digit,
    /// so digit runs stop there). The last number of a report is followed by `}]}` only, too
    /// few bytes for a plain load. Needs `p < count` and `count ≥ 8`.
    @inline(__always)
    private static func word(_ base: UnsafePointer<UInt8>, _ count: Int, _ p: Int) -> UInt64 {
        if p &+ 8 <= count { return UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self) }
        let last = UnsafeRawPointer(base + (count &- 8)).loadUnaligned(as: UInt64.self)
        return last &>> UInt64(truncatingIfNeeded: 8 &* (p &+ 8 &- count))
    }

    /// Folds the run of digits at `p` (< `count`) into `mantissa`, eight per load, and moves `p`
    /// past it. Returns its length (0–15), or 16 for 16 digits or more (the scanner reads those).
    @inline(__always)
    private static func foldDigits(_ base: UnsafePointer<UInt8>, _ count: Int, _ p: inout Int,
                                   _ mantissa: inout UInt64) -> Int
    {
        let w = word(base, count, p)
        let n = leadingDigits(w)
        guard n > 0 else { return 0 }
        mantissa = mantissa &* JSONScanner.powerOfTenInteger(n) &+ digitsValue(w, n)
        p &+= n
        guard n == 8, p < count else { return n }
        let w2 = word(base, count, p)
        let m = leadingDigits(w2)
        if m > 0 {
            mantissa = mantissa &* JSONScanner.powerOfTenInteger(m) &+ digitsValue(w2, m)
            p &+= m
        }
        return 8 &+ m
    }

    /// The number at `start` if it is an unsigned decimal without exponent (at most 15 integer
    /// and 15 fraction digits, 19 in all) followed by `,` or `}`, and the position after it;
    /// `nil` for anything else. Folded into the same mantissa and power of ten as
    /// `readNumber`'s fast path, so the same `Double`. Fractions take a second load: JavaScript
    /// prints cumulative seconds as e.g. 1843.1999999999998 (a mantissa wrapped by more than
    /// 19 digits is never used: the digit count rejects it). Takes and returns plain values, no
    /// `inout` scanner, so that the caller keeps its cursor in a register.
    ///
    /// `@inline(always)` (SE-0496), not `@inline(__always)`: the latter is only a hint, and the
    /// optimiser judged this function (once per member) "not profitable" to inline into the
    /// large decode loop; the call, its register saves and the constants it reloads cost ~400
    /// of the ~6 400 instructions of a compact decode.
    @inline(always)
    static func fastDecimal(_ base: UnsafePointer<UInt8>, _ count: Int, _ start: Int) -> (value: Double, end: Int)? {
        guard start < count, count >= 8 else { return nil }
        var p = start
        var mantissa: UInt64 = 0
        let digits = foldDigits(base, count, &p, &mantissa)
        guard digits > 0, digits < 16, digits == 1 || base[start] != UInt8(ascii: "0"), p < count else { return nil }
        var fraction = 0
        if base[p] == UInt8(ascii: ".") {
            p &+= 1
            guard p < count else { return nil }
            fraction = foldDigits(base, count, &p, &mantissa)
            guard fraction > 0, digits &+ fraction <= 19, p < count else { return nil }
        }
        let after = base[p]
        guard after == UInt8(ascii: ",") || after == UInt8(ascii: "}") else { return nil }
        let value = fraction == 0 ? Double(mantissa) : Double(mantissa) / JSONScanner.powerOfTen(fraction)
        return (value, p)
    }
}

extension JSONScanner {
    /// Consumes `true` at the cursor if it is there.
    @inline(__always)
    mutating func matchTrue() -> Bool {
        guard pos &+ 4 <= count, base[pos] == UInt8(ascii: "t"), base[pos &+ 1] == UInt8(ascii: "r"),
            base[pos &+ 2] == UInt8(ascii: "u"), base[pos &+ 3] == UInt8(ascii: "e")
        else { return false }
        pos &+= 4
        return true
    }

    /// Consumes `false` at the cursor if it is there.
    @inline(__always)
    mutating func matchFalse() -> Bool {
        guard pos &+ 5 <= count, base[pos] == UInt8(ascii: "f"), base[pos &+ 1] == UInt8(ascii: "a"),
            base[pos &+ 2] == UInt8(ascii: "l"), base[pos &+ 3] == UInt8(ascii: "s"), base[pos &+ 4] == UInt8(ascii: "e")
        else { return false }
        pos &+= 5
        return true
    }
}
