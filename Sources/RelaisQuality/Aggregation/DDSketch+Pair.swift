// RelaisQuality: one value into two sketches, its bucket computed once.

extension DDSketch {
    /// Adds `value` to this sketch and to `other`, as ``add(_:count:)`` on each would, with the
    /// bucket computed once. A participant's closed window goes to its visit's summary and to
    /// the shard's fleet view with the same values, and the bucket's `log` is most of an insert
    /// (~60 of ~140 instructions). Both sketches must have the same relative accuracy. Always
    /// inlined (into ``QualitySketches``' four calls per closed window): 25 instructions per
    /// compact report less than the call.
    @inline(__always)
    mutating func add(_ value: Double, alsoTo other: inout DDSketch) {
        precondition(other.relativeAccuracy == relativeAccuracy, "paired sketches must have the same accuracy")
        guard value.isFinite else { return }
        let v = Swift.max(0, value)
        let bucket = v <= Self.minIndexableValue ? nil : Optional(index(of: v))
        record(v, bucket: bucket)
        other.record(v, bucket: bucket)
    }
}
