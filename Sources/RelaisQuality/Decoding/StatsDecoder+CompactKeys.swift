// RelaisQuality: matching compact member names in the fast path.

extension StatsDecoder {
    /// The table entry whose `,"name":` the padded bytes at `at` start with, and `next` moved
    /// past it; `nil` when the member is not one the fast path handles (or the object ended).
    ///
    /// A conforming report names its members in the documented order, so the entry after the
    /// previous match is tried first, inline (one four-word compare); only a skipped or
    /// reordered member takes the out-of-line search. `next` may be the table's count: that
    /// entry is the sentinel, which never matches a report the fast path accepts.
    @inline(__always)
    static func matchKey(_ at: UnsafeRawPointer, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ n: Int,
                         _ next: inout Int) -> UnsafeMutablePointer<CompactKeyPattern>?
    {
        let e = table + next
        if e.pointee.matches(at) {
            next &+= 1
            return e
        }
        return searchKey(at, table, n, &next)
    }

    /// The eight entries after the expected one (optional members left out), then all.
    @inline(never)
    private static func searchKey(_ at: UnsafeRawPointer, _ table: UnsafeMutablePointer<CompactKeyPattern>,
                                  _ n: Int, _ next: inout Int) -> UnsafeMutablePointer<CompactKeyPattern>?
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
        next = i &+ 1
        return table + i
    }
}

extension CompactKeyPattern {
    /// The first-word half of ``matches(_:)``: most names differ there, so a search skips
    /// non-matching entries with one compare.
    @inline(__always)
    func startsLike(_ first: UInt64) -> Bool { (first ^ words.0) & masks.0 == 0 }
}
