// RelaisQuality: the compact fast path's private copy of a report, with zero padding.

/// A report's bytes copied into storage the decoder owns, followed by ``padding`` zero bytes.
///
/// Why copy: the compact fast path reads eight and 32 bytes at a time (digit runs, member
/// names). On the caller's buffer every such read needs a bounds check (and the report's last
/// names and numbers a slower zero-padded path), several per member. On the padded copy none
/// are needed, and copying a 575-byte report costs ~90 instructions (callgrind; the rewrite
/// this copy is part of took compact decode from 5,695 to 3,816). Zero bytes are
/// neither digits nor `"`, `,`, `}` nor part of any member name, so every run and every match
/// stops at the end of the report. The copy is also writable: the fast path overwrites each
/// object's `{` with `,` so that the first member matches the same `,"name":` pattern as the
/// others (the general path, on a failure, reads the caller's bytes, never this copy).
///
/// A class (the decoder is a value type copied by its owner) holding one allocation that only
/// grows, up to `Limits.maxBytes` + padding: after the first report, no allocation.
final class PaddedReport {
    /// Readable zero bytes after a report: a 32-byte name compare may start at its last byte.
    static let padding = 32

    private(set) var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init(capacity: Int = 2048) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity + Self.padding)
    }

    deinit { storage.deallocate() }

    /// Copies `count` bytes from `bytes` and zeroes the padding after them; returns the copy.
    @inline(__always)
    func load(_ bytes: UnsafePointer<UInt8>, count: Int) -> UnsafeMutablePointer<UInt8> {
        if count > capacity { grow(to: count) }
        storage.update(from: bytes, count: count)
        let end = UnsafeMutableRawPointer(storage + count)
        end.storeBytes(of: (0, 0, 0, 0), as: (UInt64, UInt64, UInt64, UInt64).self)
        return storage
    }

    @inline(never)
    private func grow(to count: Int) {
        storage.deallocate()
        capacity = max(count, capacity * 2)
        storage = .allocate(capacity: capacity + Self.padding)
    }
}
