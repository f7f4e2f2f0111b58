// RelaisQuality: numbers, strings and literals in the compact fast path (on the padded copy).

extension StatsDecoder {
    /// The 8 bytes at `p` (the padded copy always has them).
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>) -> UInt64 { UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) }

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

    /// Folds the digit run at `p` (after a run of exactly 8) into `mantissa`; its length (0–8).
    @inline(__always)
    private static func continueRun(_ p: UnsafePointer<UInt8>, _ mantissa: inout UInt64) -> Int {
        let w = word(p)
        let m = leadingDigits(w)
        if m > 0 { mantissa = mantissa &* JSONScanner.powerOfTenInteger(m) &+ digitsValue(w, m) }
        return m
    }

    /// The unsigned decimal (no exponent; at most 15 integer and 15 fraction digits, 19 in
    /// all) at `start` of the padded copy and the position after it; `nil` for anything else,
    /// which ``number(_:_:_:_:)`` then reads. Same mantissa and power of ten as `readNumber`'s
    /// fast path, so the same `Double`. JavaScript prints cumulative seconds as e.g.
    /// 1843.1999999999998, hence the second word of a fraction.
    ///
    /// It does not look at the byte after the number beyond `e`/`E`: the caller's next step
    /// (the `}` test or the `,"name":` compare) accepts only a separator.
    ///
    /// `@inline(always)` (SE-0496), not `@inline(__always)`: the latter is only a hint, and the
    /// optimiser judged this function "not profitable" to inline into the decode loop; the
    /// call, its register saves and reloaded constants cost ~400 instructions per report.
    @inline(always)
    static func paddedDecimal(_ p: UnsafePointer<UInt8>, _ start: Int) -> (value: Double, end: Int)? {
        let w = word(p + start)
        let n = leadingDigits(w)
        // JSON allows a leading zero only alone ("0", "0.5"), never "01".
        guard n > 0, n == 1 || w & 0xFF != 0x30 else { return nil }
        // One digit (zeros, `0.` of fractions, small gauges: a quarter of a report's numbers)
        // without the three-multiply fold.
        var mantissa = n == 1 ? w & 0x0F : digitsValue(w, n)
        var pos = start &+ n
        var digits = n
        if n == 8 {
            let m = continueRun(p + pos, &mantissa)
            guard m < 8 else { return nil }
            pos &+= m
            digits &+= m
        }
        var value: Double
        if p[pos] == UInt8(ascii: ".") {
            pos &+= 1
            let f = word(p + pos)
            var fraction = leadingDigits(f)
            guard fraction > 0 else { return nil }
            mantissa = mantissa &* JSONScanner.powerOfTenInteger(fraction) &+ digitsValue(f, fraction)
            pos &+= fraction
            if fraction == 8 {
                let m = continueRun(p + pos, &mantissa)
                guard m < 8 else { return nil }
                pos &+= m
                fraction &+= m
            }
            guard digits &+ fraction <= 19 else { return nil }
            value = Double(mantissa) / JSONScanner.powerOfTen(fraction)
        } else {
            // At most 15 digits: exact as a signed conversion (one instruction, where the
            // unsigned one is a branch and five).
            value = Double(Int64(bitPattern: mantissa))
        }
        guard p[pos] | 0x20 != UInt8(ascii: "e") else { return nil }
        return (value, pos)
    }

    /// A number value the fast decimal does not take (signs, exponents, long runs), read by the
    /// scanner, which validates the grammar, and the position after it; `nil` for anything the
    /// general path must judge (not a number, `null`, a negative counter, an error).
    @inline(never)
    func number(_ p: UnsafePointer<UInt8>, _ count: Int, _ pos: Int, _ code: Int) -> (value: Double, end: Int)? {
        var s = JSONScanner(base: p, count: count, limits: limits)
        s.pos = pos
        guard pos < count else { return nil }
        let b = p[pos]
        guard b &- 0x30 < 10 || (b == UInt8(ascii: "-") && p[pos &+ 1] &- 0x30 < 10) else { return nil }
        guard let v = try? s.readNumber() else { return nil }
        if v < 0, code != StatsMetric.packetsLost.rawValue { return nil }
        return (v, s.pos)
    }

    /// The string value at `pos` (its opening quote) as the scanner reads it, and the position
    /// after it; `nil` if the general path must judge it. A token of at most 7 plain bytes takes
    /// one load (its first special byte is the closing quote; the fast path runs only when
    /// `maxStringBytes` ≥ 32, so the limit cannot apply).
    @inline(__always)
    func string(_ p: UnsafePointer<UInt8>, _ count: Int, _ pos: Int) -> (JSONString, JSONScanner, end: Int)? {
        let s = JSONScanner(base: p, count: count, limits: limits)
        let start = pos &+ 1
        let special = JSONScanner.specialBytes(Self.word(p + start))
        if special != 0 {
            let n = special.trailingZeroBitCount &>> 3
            if p[start &+ n] == UInt8(ascii: "\"") { return (s.token(start, start &+ n), s, start &+ n &+ 1) }
        }
        return longString(p, count, pos)
    }

    @inline(never)
    private func longString(_ p: UnsafePointer<UInt8>, _ count: Int, _ pos: Int)
        -> (JSONString, JSONScanner, end: Int)?
    {
        var s = JSONScanner(base: p, count: count, limits: limits)
        s.pos = pos
        guard let token = try? s.readString() else { return nil }
        return (token, s, s.pos)
    }

    /// `true` or `false` at `pos`, and the position after it.
    @inline(__always)
    static func bool(_ p: UnsafePointer<UInt8>, _ pos: Int) -> (Bool, end: Int)? {
        let w = word(p + pos)
        if w & 0xFFFF_FFFF == 0x6575_7274 { return (true, pos &+ 4) }  // "true"
        if w & 0xFF_FFFF_FFFF == 0x65_736C_6166 { return (false, pos &+ 5) }  // "false"
        return nil
    }
}
