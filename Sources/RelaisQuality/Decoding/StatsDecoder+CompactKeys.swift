// RelaisQuality: matching compact member names in the fast path.

extension StatsDecoder {
    /// Matches the member name at the cursor (just after its opening quote) and consumes it
    /// with its `":`. Tries the names expected next first, then all of them; `nil` when the
    /// name is not one the fast path handles.
    @inline(__always)
    static func matchKey(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ n: Int,
                         _ next: inout Int) -> Int?
    {
        guard s.pos &+ 32 <= s.count else { return matchKeyNearEnd(&s, table, n, &next) }
        guard let i = search(UnsafeRawPointer(s.base + s.pos), table, n, next) else { return nil }
        return take(&s, table, i, &next)
    }

    /// `matchKey` for the last names of a report, where 32 bytes cannot be loaded: on a
    /// zero-padded copy (a pattern ends in `":`, so the padding never matches).
    private static func matchKeyNearEnd(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>,
                                        _ n: Int, _ next: inout Int) -> Int?
    {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let found = withUnsafeMutableBytes(of: &words) { buf in
            let available = s.count &- s.pos
            for k in 0..<available { buf[k] = s.base[s.pos &+ k] }
            return search(UnsafeRawPointer(buf.baseAddress!), table, n, next)
        }
        guard let found else { return nil }
        return take(&s, table, found, &next)
    }

    /// The entry whose pattern the 32 bytes at `p` start with: the eight after the previous
    /// name first (documented order), then all. Patterns end in `":`, so at most one matches.
    @inline(__always)
    private static func search(_ p: UnsafeRawPointer, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ n: Int,
                               _ next: Int) -> Int?
    {
        var i = next
        let ahead = min(n, next &+ 8)
        while i < ahead {
            if table[i].matches(p) { return i }
            i &+= 1
        }
        i = 0
        while i < n {
            if table[i].matches(p) { return i }
            i &+= 1
        }
        return nil
    }

    @inline(__always)
    private static func take(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ i: Int,
                             _ next: inout Int) -> Int
    {
        s.pos &+= table[i].length
        next = i &+ 1
        return table[i].code
    }
}
