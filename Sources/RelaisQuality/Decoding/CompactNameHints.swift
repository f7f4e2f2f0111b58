// RelaisQuality: which member name the compact fast path expects next.

/// For each name table entry, the entry that followed it the last time: one row per stream
/// position in a report (0–31; later streams share the last row) and one for the top level.
///
/// Why: a client sends the same members in the same order report after report, but not every
/// documented member (an inbound video stream has no `jitterBufferDelay`, an audio stream no
/// `framesDecoded`). Expecting the next entry of the documented order costs an out-of-line
/// search (~55 instructions) at every skipped run, four times in the benchmark's report;
/// expecting what followed last time costs a byte load per member and finds every member of
/// a repeated shape with one compare (compact decode 3,816 → 3,661 instructions per report, one LLVM module).
/// Only a hint: a wrong one costs the search, never a wrong field.
final class CompactNameHints {
    /// Entries per row: every table has fewer than 63 entries (plus its end marker).
    static let width = 64
    /// Column holding the entry expected first in an object.
    static let first = 63
    static let rows = 33

    private let storage: UnsafeMutablePointer<UInt8>

    init() {
        precondition(CompactKeys.shared.streamCount < Self.first && CompactKeys.shared.topCount < Self.first)
        storage = .allocate(capacity: Self.rows * Self.width)
        for r in 0..<Self.rows {
            // Until a report says otherwise: the documented order.
            for c in 0..<Self.first { storage[r * Self.width + c] = UInt8(c + 1) }
            storage[r * Self.width + Self.first] = 0
        }
    }

    deinit { storage.deallocate() }

    /// The row of the stream at position `k` of a report.
    @inline(__always)
    func stream(_ k: Int) -> UnsafeMutablePointer<UInt8> { storage + min(k, Self.rows &- 2) &* Self.width }

    /// The row of the report's top-level members.
    @inline(__always)
    var top: UnsafeMutablePointer<UInt8> { storage + (Self.rows &- 1) &* Self.width }
}
