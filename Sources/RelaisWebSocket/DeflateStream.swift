internal import CRelaisZlib

/// Owner of a zlib raw-deflate compressor for permessage-deflate (RFC 7692 §7.2.1).
///
/// `~Copyable` so the `z_stream` (about 256 KiB with the default window) is freed exactly once with `deflateEnd`.
/// The stream is heap-allocated because zlib keeps a pointer back to it in its internal state.
///
/// zlib state is allocated on first use and can be released between messages (`release()`), so a connection that
/// negotiated compression but is idle, or uses no context takeover, holds no compressor memory.
public struct DeflateStream: ~Copyable {
    private var allocated: UnsafeMutablePointer<z_stream>?
    /// Output chunk kept with the zlib state: a 16 KiB temporary allocation per message was a `malloc` each time.
    private var chunk = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private let windowBits: Int32
    private let level: Int32

    /// `windowBits` 9–15; memory level 8 is zlib's default and a good speed/size balance.
    public init(windowBits: Int, level: Int32 = 6) {
        self.windowBits = Int32(windowBits)
        self.level = level
    }

    deinit {
        Self.free(allocated)
        chunk.deallocate()
    }

    /// Frees the zlib state (the next message starts with an empty window).
    public mutating func release() {
        Self.free(allocated)
        allocated = nil
        chunk.deallocate()
        chunk = UnsafeMutableBufferPointer(start: nil, count: 0)
    }

    private static func free(_ stream: UnsafeMutablePointer<z_stream>?) {
        guard let stream else { return }
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    private mutating func streamPointer() -> UnsafeMutablePointer<z_stream> {
        if let allocated { return allocated }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = CRelaisZlib_deflateInit2(stream, level, Z_DEFLATED, -windowBits, 8, Z_DEFAULT_STRATEGY)
        // Only Z_MEM_ERROR (out of memory) or a Relais bug in the parameters can fail here.
        precondition(rc == Z_OK, "deflateInit2 failed: \(rc)")
        allocated = stream
        return stream
    }

    /// Compresses one whole message and appends it without the trailing `00 00 FF FF` of the sync flush
    /// (RFC 7692 §7.2.1). With `reset`, the compressor forgets the message afterwards (no context takeover).
    public mutating func compressMessage(_ input: UnsafeRawBufferPointer, reset: Bool, into out: inout [UInt8]) {
        let stream = streamPointer()
        if chunk.baseAddress == nil { chunk = .allocate(capacity: 16 * 1024) }
        let chunk = self.chunk
        let start = out.count
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        repeat {
            stream.pointee.next_out = chunk.baseAddress
            stream.pointee.avail_out = uInt(chunk.count)
            _ = deflate(stream, Z_SYNC_FLUSH)
            let produced = chunk.count - Int(stream.pointee.avail_out)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<produced]))
        } while stream.pointee.avail_out == 0
        stream.pointee.next_in = nil
        if out.count - start >= 4 && out.suffix(4).elementsEqual([0, 0, 0xFF, 0xFF]) {
            out.removeLast(4)
        }
        if out.count == start {
            // An empty message compresses to the empty block 0x00 (RFC 7692 §7.2.3.6).
            out.append(0)
        }
        if reset { release() }
    }
}

/// Owner of a zlib raw-inflate decompressor with an output limit (the decompression-bomb guard).
public struct InflateStream: ~Copyable {
    private var allocated: UnsafeMutablePointer<z_stream>?
    /// Output chunk kept with the zlib state (see `DeflateStream.chunk`).
    private var chunk = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

    public enum Failure: Error, Equatable, Sendable {
        /// Output would exceed the limit: close with 1009.
        case tooBig
        /// The compressed data is corrupt: close with 1007.
        case corrupt
    }

    /// A window of 15 bits can inflate data produced with any smaller window, so the negotiated client window
    /// does not matter here.
    public init() {}

    deinit {
        Self.free(allocated)
        chunk.deallocate()
    }

    private static func free(_ stream: UnsafeMutablePointer<z_stream>?) {
        guard let stream else { return }
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    private mutating func streamPointer() -> UnsafeMutablePointer<z_stream> {
        if let allocated { return allocated }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = CRelaisZlib_inflateInit2(stream, -15)
        precondition(rc == Z_OK, "inflateInit2 failed: \(rc)")
        allocated = stream
        return stream
    }

    /// Inflates the next piece of a compressed message, appending to `out`. Call once more with `final` and
    /// empty input at the end of the message: that appends the `00 00 FF FF` tail the sender removed.
    /// Stops as soon as `out` would grow past `limit`, so a few kilobytes of input can never become gigabytes.
    public mutating func decompress(
        _ input: UnsafeRawBufferPointer, final: Bool, limit: Int, into out: inout [UInt8]
    ) throws(Failure) {
        if input.count > 0 { try run(input, limit: limit, into: &out) }
        if final {
            var tail: UInt32 = UInt32(0xFFFF_0000).littleEndian  // bytes 00 00 FF FF
            let failure: Failure? = withUnsafeBytes(of: &tail) { raw in
                do throws(Failure) { try run(raw, limit: limit, into: &out); return nil } catch { return error }
            }
            if let failure { throw failure }
        }
    }

    /// Frees the zlib state and its window (after a message when the peer uses no context takeover).
    public mutating func release() {
        Self.free(allocated)
        allocated = nil
        chunk.deallocate()
        chunk = UnsafeMutableBufferPointer(start: nil, count: 0)
    }

    private mutating func run(_ input: UnsafeRawBufferPointer, limit: Int, into out: inout [UInt8]) throws(Failure) {
        let stream = streamPointer()
        if chunk.baseAddress == nil { chunk = .allocate(capacity: 16 * 1024) }
        let chunk = self.chunk
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer { stream.pointee.next_in = nil }
        let failure: Failure? = {
            while true {
                stream.pointee.next_out = chunk.baseAddress
                stream.pointee.avail_out = uInt(chunk.count)
                let rc = inflate(stream, Z_SYNC_FLUSH)
                let produced = chunk.count - Int(stream.pointee.avail_out)
                if out.count + produced > limit { return .tooBig }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<produced]))
                switch rc {
                case Z_OK:
                    if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return nil }
                case Z_BUF_ERROR:
                    return nil  // no progress possible: all input consumed
                case Z_STREAM_END:
                    // A BFINAL block ended the deflate stream (allowed, §7.2.3.4); start afresh for the next message.
                    inflateReset(stream)
                    if stream.pointee.avail_in == 0 { return nil }
                default:
                    return .corrupt
                }
            }
        }()
        if let failure { throw failure }
    }
}
