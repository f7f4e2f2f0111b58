import RelaisWebSocket

/// Inflates arbitrary bytes as a permessage-deflate message, in pieces, with a small output limit.
/// Invariants: no crash, output never exceeds the limit (the decompression-bomb guard).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limit = 16 * 1024
    var inflater = InflateStream()
    var out: [UInt8] = []
    let pieces = stride(from: 0, to: max(bytes.count, 1), by: 97).map { Array(bytes[$0..<min(bytes.count, $0 + 97)]) }
    do {
        for (i, piece) in pieces.enumerated() {
            try piece.withUnsafeBytes { raw in
                try inflater.decompress(raw, final: i == pieces.count - 1, limit: limit, into: &out)
            }
        }
    } catch {}
    precondition(out.count <= limit)
    // A round trip through our compressor must give the input back.
    var deflater = DeflateStream(windowBits: 15)
    var compressed: [UInt8] = []
    bytes.withUnsafeBytes { deflater.compressMessage($0, reset: false, into: &compressed) }
    var again = InflateStream()
    var restored: [UInt8] = []
    try? compressed.withUnsafeBytes { raw in
        try again.decompress(raw, final: true, limit: bytes.count + 16, into: &restored)
    }
    precondition(restored == bytes)
    return 0
}
