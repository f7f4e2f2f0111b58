/// A growable byte buffer with a reader index, used for bytes in flight between the socket and a parser.
///
/// Parsers consume from the front (`moveReaderIndex`), drivers append at the back (`write`). The storage is a
/// plain `[UInt8]` so the buffer stays a copy-on-write value; `compact()` reclaims the consumed prefix only when
/// it is large, which keeps the common case (a frame fully consumed) at a cheap `removeAll(keepingCapacity:)`.
public struct ByteBuffer: Sendable, Equatable {
    @usableFromInline var storage: [UInt8]
    /// Offset of the first unread byte in `storage`.
    public private(set) var readerIndex: Int

    public init(capacity: Int = 0) {
        storage = []
        storage.reserveCapacity(capacity)
        readerIndex = 0
    }

    public init(bytes: some Sequence<UInt8>) {
        storage = Array(bytes)
        readerIndex = 0
    }

    public init(string: String) {
        self.init(bytes: Array(string.utf8))
    }

    /// Number of bytes written and not yet consumed.
    @inlinable public var readableBytes: Int { storage.count - readerIndex }

    @inlinable public var isEmpty: Bool { readableBytes == 0 }

    /// The unread bytes as a new array.
    public var readableBytesArray: [UInt8] { Array(storage[readerIndex...]) }

    /// Appends raw bytes at the end.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        storage.append(contentsOf: bytes)
    }

    /// Appends a sequence of bytes at the end.
    public mutating func write(bytes: some Sequence<UInt8>) {
        storage.append(contentsOf: bytes)
    }

    /// Appends the UTF-8 bytes of a string.
    public mutating func write(string: String) {
        storage.append(contentsOf: string.utf8)
    }

    /// Appends one byte.
    @inlinable public mutating func write(byte: UInt8) {
        storage.append(byte)
    }

    /// Marks `count` bytes as consumed.
    public mutating func moveReaderIndex(forwardBy count: Int) {
        precondition(count >= 0 && count <= readableBytes, "moveReaderIndex beyond readable bytes")
        readerIndex += count
        if readerIndex == storage.count {
            // Everything consumed: reuse the allocation without copying.
            storage.removeAll(keepingCapacity: storage.capacity <= 1 << 20)
            readerIndex = 0
        }
    }

    /// Consumes and returns `count` bytes.
    public mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count <= readableBytes else { return nil }
        let out = Array(storage[readerIndex..<(readerIndex + count)])
        moveReaderIndex(forwardBy: count)
        return out
    }

    /// Drops consumed bytes when they are at least half the storage and more than 4 KiB,
    /// so a long-lived connection that always leaves a partial frame behind does not grow forever.
    public mutating func compact() {
        if readerIndex > 4096 && readerIndex * 2 >= storage.count {
            storage.removeFirst(readerIndex)
            readerIndex = 0
        }
    }

    /// Removes every byte, keeping the allocation when it is small.
    public mutating func clear() {
        storage.removeAll(keepingCapacity: storage.capacity <= 1 << 20)
        readerIndex = 0
    }

    /// Calls `body` with the unread bytes. The pointer is valid only inside `body`.
    @inlinable
    public func withUnsafeReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = readerIndex
        return try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[start...]))
        }
    }

    /// Byte at `offset` from the reader index.
    @inlinable public subscript(offset: Int) -> UInt8 {
        storage[readerIndex + offset]
    }

    public static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool {
        lhs.storage[lhs.readerIndex...] == rhs.storage[rhs.readerIndex...]
    }
}
