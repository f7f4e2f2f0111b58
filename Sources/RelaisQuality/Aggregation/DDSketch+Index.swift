// RelaisQuality: the DDSketch bucket index without a `log` call in the common case.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension DDSketch {
    /// Bucket of `v` (> ``minIndexableValue``, finite): ⌈ln(v)·inverseLogGamma⌉, **the same
    /// integer** the libm formula gives, for about a quarter of the cost (libm `log` was ~140
    /// instructions of the ~180 per insert, and every closed window inserts 8 values).
    ///
    /// ``TableLog`` is accurate to ~1e-15; libm's `log` to within an ulp. Both products with
    /// `inverseLogGamma` therefore differ by far less than `margin`, so when the fast value
    /// is not within `margin` of an integer both round up to the same bucket. Within the margin
    /// (a value on a bucket boundary, about one in 10⁸) the libm formula decides.
    @inline(__always)
    func bucketIndex(of v: Double, inverseLogGamma: Double) -> Int {
        let x = TableLog.ln(v) * inverseLogGamma
        // Both errors are ~1e-15 relative to |x| (plus ~1e-16 absolute): a wide safety factor.
        let margin = 1e-9 + abs(x) * 1e-12
        // ⌈x⌉ by truncation (|x| ≤ 709·inverseLogGamma fits an Int): `rounded(.up)` is a libm
        // call on baseline x86-64.
        let t = Int(x)
        let up = Double(t) < x ? t &+ 1 : t
        let gap = Double(up) - x
        if gap > margin, gap < 1 - margin { return up }
        return Int((log(v) * inverseLogGamma).rounded(.up))
    }
}

/// Natural logarithm of a positive normal `Double` from its exponent and a 128-entry table:
/// ln(2^e · m) = e·ln 2 + ln(c) + ln(m/c), with c the centre of m's 1/128 slice of [1, 2), so
/// |m/c − 1| < 1/256 and five series terms leave an error below 1e-15.
/// Allocated once and never freed: read through a pointer, like ``CompactKeys``.
struct TableLog: @unchecked Sendable {
    /// (1/c, ln c) per slice, interleaved.
    private let table: UnsafeMutablePointer<Double>

    private static let shared = TableLog()

    private init() {
        table = .allocate(capacity: 256)
        for k in 0..<128 {
            let c = 1 + (Double(k) + 0.5) / 128
            table[2 * k] = 1 / c
            table[2 * k + 1] = log(c)
        }
    }

    /// `v` must be positive, finite and normal (the sketch only indexes values above 1e-9).
    @inline(__always)
    static func ln(_ v: Double) -> Double {
        let bits = v.bitPattern
        let e = Double(Int((bits &>> 52) & 0x7FF) &- 1023)
        let m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        let k = Int((bits &>> 45) & 0x7F)
        let t = shared.table
        let r = m * t[2 &* k] - 1
        // ln(1 + r) = r − r²/2 + r³/3 − r⁴/4 + r⁵/5 − …, |r| < 2⁻⁸.
        let series = r * (1 + r * (-0.5 + r * (1.0 / 3 + r * (-0.25 + r * 0.2))))
        return e * 0.693_147_180_559_945_3 + t[2 &* k &+ 1] + series
    }
}
