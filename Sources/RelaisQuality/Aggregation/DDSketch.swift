// RelaisQuality: a mergeable quantile sketch with a relative-error guarantee (DDSketch).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// DDSketch (Masson, Rim, Lee, VLDB 2019; DataDog sketches-java `LogarithmicMapping`):
/// value x > 0 goes to bucket ⌈log_γ x⌉ with γ = (1+α)/(1−α), and a bucket is read back as
/// 2γ^i/(γ+1). Every quantile estimate is then within a **relative error α** of the exact
/// quantile (the value of rank ⌊q·(n−1)⌋), whatever the distribution, and two sketches with the
/// same α merge exactly by adding bucket counts: shards and visits merge without losing accuracy.
///
/// Memory is fixed: at most ``maxBins`` counters (α = 1 % covers 1 µs…10⁸ in ~1 300 bins).
/// If a sketch ever spans more, the lowest buckets are collapsed into one, which only affects
/// the accuracy of the lowest quantiles. Values ≤ ``minIndexableValue`` (including 0, e.g. zero
/// loss) are counted exactly in a zero bucket and read back as 0.
public struct DDSketch: Sendable, Equatable {
    public static let defaultRelativeAccuracy = 0.01
    public static let minIndexableValue = 1e-9
    public static let maxBins = 2048

    public let relativeAccuracy: Double
    private let gamma: Double
    private let inverseLogGamma: Double
    /// Counts for buckets `offset ..< offset + bins.count`.
    private var bins: [UInt32] = []
    private var offset = 0
    public private(set) var zeroCount: UInt64 = 0
    public private(set) var count: UInt64 = 0
    public private(set) var sum = 0.0
    public private(set) var min = Double.infinity
    public private(set) var max = -Double.infinity

    public init(relativeAccuracy: Double = DDSketch.defaultRelativeAccuracy) {
        precondition(relativeAccuracy > 0 && relativeAccuracy < 1, "relative accuracy must be in (0, 1)")
        self.relativeAccuracy = relativeAccuracy
        self.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
        self.inverseLogGamma = 1 / log(gamma)
    }

    public var isEmpty: Bool { count == 0 }
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// Adds a value. Non-finite values are ignored (scores never produce them; this keeps a bug
    /// elsewhere from poisoning a fleet-wide sketch). Negative values count as 0.
    public mutating func add(_ value: Double, count n: UInt32 = 1) {
        guard value.isFinite, n > 0 else { return }
        let v = Swift.max(0, value)
        count += UInt64(n)
        sum += v * Double(n)
        min = Swift.min(min, v)
        max = Swift.max(max, v)
        if v <= Self.minIndexableValue {
            zeroCount += UInt64(n)
            return
        }
        addToBucket(index(of: v), n)
    }

    /// Counts one finite, non-negative `v` whose bucket is already known (`nil`: the zero bucket).
    @inline(__always)
    mutating func record(_ v: Double, bucket: Int?) {
        count += 1
        sum += v
        min = Swift.min(min, v)
        max = Swift.max(max, v)
        if let bucket { addToBucket(bucket, 1) } else { zeroCount += 1 }
    }

    @inline(__always)
    func index(of v: Double) -> Int { Int((log(v) * inverseLogGamma).rounded(.up)) }

    private func value(ofBucket i: Int) -> Double { 2 * pow(gamma, Double(i)) / (gamma + 1) }

    /// Inlined for the common case, a bucket in range (a call with its bounds and uniqueness
    /// checks was ~44 instructions, ~20 inline); the first bucket and growth are outlined.
    @inline(__always)
    private mutating func addToBucket(_ i: Int, _ n: UInt32) {
        let k = i &- offset
        if k >= 0, k < bins.count {
            bins[k] &+= n
        } else {
            addToNewBucket(i, n)
        }
    }

    @inline(never)
    private mutating func addToNewBucket(_ i: Int, _ n: UInt32) {
        if bins.isEmpty {
            // Headroom either side so that nearby values don't reallocate.
            let headroom = 32
            bins = [UInt32](repeating: 0, count: 2 * headroom + 1)
            offset = i - headroom
        }
        var i = i
        if i < offset || i >= offset + bins.count { i = grow(toInclude: i) }
        bins[i - offset] &+= n
    }

    /// Extends the bucket range to include `i` (doubling, to amortise), collapsing the lowest
    /// buckets if the span would exceed `maxBins`. Returns the bucket to use for `i`.
    private mutating func grow(toInclude i: Int) -> Int {
        let lo = Swift.min(offset, i)
        let hi = Swift.max(offset + bins.count - 1, i)
        var newLo = lo
        var newCount = Swift.max(hi - lo + 1, Swift.min(2 * bins.count, Self.maxBins))
        if i < offset { newLo = hi - newCount + 1 }
        if newCount > Self.maxBins {
            newCount = Self.maxBins
            newLo = hi - newCount + 1
        }
        var newBins = [UInt32](repeating: 0, count: newCount)
        for (k, c) in bins.enumerated() where c > 0 {
            let j = Swift.max(offset + k, newLo) - newLo
            newBins[Swift.min(j, newCount - 1)] &+= c
        }
        bins = newBins
        offset = newLo
        return Swift.max(i, newLo)
    }

    /// The estimated value of quantile `q` (0…1), or `nil` when empty. Within `relativeAccuracy`
    /// of the exact value of rank ⌊q·(count−1)⌋ (unless the lowest buckets were collapsed).
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let qq = Swift.min(1, Swift.max(0, q))
        let rank = UInt64((qq * Double(count - 1)).rounded(.down))
        if rank < zeroCount { return 0 }
        var seen = zeroCount
        for (k, c) in bins.enumerated() where c > 0 {
            seen += UInt64(c)
            if seen > rank {
                return Swift.min(max, Swift.max(min, value(ofBucket: offset + k)))
            }
        }
        return max
    }

    /// Adds every value of `other` (same relative accuracy required: buckets must line up).
    public mutating func merge(_ other: DDSketch) {
        precondition(other.relativeAccuracy == relativeAccuracy, "cannot merge sketches of different accuracy")
        guard other.count > 0 else { return }
        count += other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        zeroCount += other.zeroCount
        for (k, c) in other.bins.enumerated() where c > 0 { addToBucket(other.offset + k, c) }
    }

    /// Number of bucket counters held (memory is 4 bytes each).
    public var binCount: Int { bins.count }
}
