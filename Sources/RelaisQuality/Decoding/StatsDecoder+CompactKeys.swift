// RelaisQuality: matching compact member names in the fast path.

/// Which key-table entry matched at each member position of the last compact report: a
/// client sends the same members in the same order report after report, so the name at
/// position k is almost always the one found there last time, and one masked compare finds it.
/// Only a hint: a name is still compared byte for byte, and a miss falls back to the search.
struct CompactShape {
    /// Member positions remembered (top-level and stream members, and stream elements, counted
    /// together as the decoder counts `entries`); later positions are searched for as before.
    static let capacity = 96
    private var slots = InlineArray<96, UInt8>(repeating: UInt8.max)

    /// The table index found at `position` last time, or an index past every table.
    /// Read through a span: a plain subscript copied the 96-byte array first.
    @inline(__always)
    func hint(at position: Int) -> Int {
        position < Self.capacity ? Int(slots.span[unchecked: position]) : Int(UInt8.max)
    }

    @inline(__always)
    mutating func remember(_ index: Int, at position: Int) {
        if position < Self.capacity { slots[position] = UInt8(truncatingIfNeeded: index) }
    }
}

extension StatsDecoder {
    /// Matches the member name at the cursor (just after its opening quote) and consumes it
    /// with its `":`. Tries the name found at this `position` in the last report, then the
    /// names expected next in documented order, then all of them; `nil` when the name is not
    /// one the fast path handles.
    @inline(__always)
    static func matchKey(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ n: Int,
                         _ next: inout Int, _ shape: inout CompactShape, position: Int) -> Int?
    {
        guard s.pos &+ 32 <= s.count else { return matchKeyNearEnd(&s, table, n, &next, &shape, position: position) }
        let p = UnsafeRawPointer(s.base + s.pos)
        let h = shape.hint(at: position)
        if h < n, table[h].matches(p) { return take(&s, table, h, &next) }
        var i = next
        let ahead = min(n, next &+ 8)
        while i < ahead {
            if table[i].matches(p) { return remember(&s, table, i, &next, &shape, position) }
            i &+= 1
        }
        i = 0
        while i < n {
            if table[i].matches(p) { return remember(&s, table, i, &next, &shape, position) }
            i &+= 1
        }
        return nil
    }

    /// `matchKey` for the last names of a report, where 32 bytes cannot be loaded: on a
    /// zero-padded copy (a pattern ends in `":`, so the padding never matches).
    private static func matchKeyNearEnd(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>,
                                        _ n: Int, _ next: inout Int, _ shape: inout CompactShape,
                                        position: Int) -> Int?
    {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &words) { buf in
            let available = s.count &- s.pos
            for k in 0..<available { buf[k] = s.base[s.pos &+ k] }
            let p = UnsafeRawPointer(buf.baseAddress!)
            let h = shape.hint(at: position)
            if h < n, table[h].matches(p) { return take(&s, table, h, &next) }
            // Patterns end in `":`, so at most one can match: near the end a plain scan is enough.
            var i = 0
            while i < n {
                if table[i].matches(p) { return remember(&s, table, i, &next, &shape, position) }
                i &+= 1
            }
            return nil
        }
    }

    @inline(__always)
    private static func take(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ i: Int,
                             _ next: inout Int) -> Int
    {
        s.pos &+= table[i].length
        next = i &+ 1
        return table[i].code
    }

    /// `take`, after a search: the name at `position` is expected there in the next report.
    @inline(__always)
    private static func remember(_ s: inout JSONScanner, _ table: UnsafeMutablePointer<CompactKeyPattern>, _ i: Int,
                                 _ next: inout Int, _ shape: inout CompactShape, _ position: Int) -> Int
    {
        shape.remember(i, at: position)
        return take(&s, table, i, &next)
    }
}
