// RelaisQuality: matching compact member names in the fast path.

extension StatsDecoder {
    /// The index of the table entry whose `,"name":` the padded bytes at `at` start with;
    /// `nil` when the member is not one the fast path handles (or the object ended). Plain
    /// values in and out (no `inout`), so that the caller keeps its cursors in registers.
    ///
    /// The entry the caller expects (`next`: what followed the previous member last time, see
    /// ``CompactNameHints``) is tried first, inline (one four-word compare); only a member
    /// the hint did not foresee takes the out-of-line search. `next` may be the table's count:
    /// that entry is the end marker, which never matches a report the fast path accepts.
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

/// Reads the member names of one object: the name table to match against, the hint row it
/// learns the object's member order in (``CompactNameHints``), and the entry expected next.
struct CompactNameReader {
    private let table: UnsafeMutablePointer<CompactKeyPattern>
    private let count: Int
    private let hints: UnsafeMutablePointer<UInt8>
    private var previous = CompactNameHints.first
    private var next: Int

    @inline(__always)
    init(_ table: UnsafeMutablePointer<CompactKeyPattern>, _ count: Int, _ hints: UnsafeMutablePointer<UInt8>) {
        (self.table, self.count, self.hints) = (table, count, hints)
        next = Int(hints[CompactNameHints.first])
    }

    /// The entry whose `,"name":` the padded bytes at `p` start with (the hinted one first),
    /// remembering it as what follows the previous member; `nil` if none.
    @inline(__always)
    mutating func member(at p: UnsafeRawPointer) -> UnsafeMutablePointer<CompactKeyPattern>? {
        guard let i = StatsDecoder.matchKey(p, table, count, next) else { return nil }
        if i != next { hints[previous] = UInt8(truncatingIfNeeded: i) }
        previous = i
        next = Int(hints[i])
        return table + i
    }
}

extension CompactKeyPattern {
    /// The first-word half of ``matches(_:)``: most names differ there, so a search skips
    /// non-matching entries with one compare.
    @inline(__always)
    func startsLike(_ first: UInt64) -> Bool { (first ^ words.0) & masks.0 == 0 }
}
