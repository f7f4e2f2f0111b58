// RelaisQuality: matching compact member names in the fast path.

extension StatsDecoder {
    /// The index of the table entry whose `,"name":` the padded bytes at `at` start with;
    /// `nil` when the member is not one the fast path handles (or the object ended). Plain
    /// values in and out (no `inout`), so that the caller keeps its cursors in registers.
    ///
    /// A conforming report names its members in the documented order, so the entry after the
    /// previous match is tried first, inline (one four-word compare); only a skipped or
    /// reordered member takes the out-of-line search. `next` may be the table's count: that
    /// entry is the sentinel, which never matches a report the fast path accepts.
    @inline(__always)
    static func matchKey(_ at: UnsafeRawPointer, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ n: Int,
                         _ next: Int) -> Int?
    {
        if table[next].matches(at) { return next }
        return searchKey(at, table, n, next)
    }

    /// The eight entries after the expected one (optional members left out), then all.
    @inline(never)
    private static func searchKey(_ at: UnsafeRawPointer, _ table: UnsafeMutablePointer<CompactKeyPattern>,
                                  _ n: Int, _ next: Int) -> Int?
    {
        let first = at.loadUnaligned(as: UInt64.self)
        var i = next &+ 1
        let ahead = min(n, next &+ 9)
        while i < ahead {
            if table[i].startsLike(first), table[i].matches(at) { break }
            i &+= 1
        }
        if i >= ahead {
            i = 0
            while i < n {
                if table[i].startsLike(first), table[i].matches(at) { break }
                i &+= 1
            }
            guard i < n else { return nil }
        }
        return i
    }
}

extension CompactKeyPattern {
    /// The first-word half of ``matches(_:)``: most names differ there, so a search skips
    /// non-matching entries with one compare.
    @inline(__always)
    func startsLike(_ first: UInt64) -> Bool { (first ^ words.0) & masks.0 == 0 }
}
