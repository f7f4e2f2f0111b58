@testable import RelaisQuality

/// The decoders both share one process, as a shard's decoder serves report after report: the
/// fast path's padded copy and the getStats() scratch arrays are reused across inputs.
nonisolated(unsafe) var fast = StatsDecoder()
nonisolated(unsafe) var general: StatsDecoder = {
    var d = StatsDecoder()
    d.compactFastPath = false
    return d
}()
/// Reports reused too, as a shard reuses its own: the fast path then overwrites the previous
/// input's streams in place and trims the extra ones, and that is compared as well.
nonisolated(unsafe) var fastReport = StatsReport()
nonisolated(unsafe) var generalReport = StatsReport()
nonisolated(unsafe) let shard = QualityShard()
nonisolated(unsafe) var now: Int64 = 0

/// Feeds arbitrary bytes to the stats decoder (compact fast path, general scanner, getStats()
/// linking) and the shard. Invariants: no crash or out-of-bounds read (ASan), and the compact
/// fast path never changes a result: with and without it, the same report field for field, or
/// the same error. The report then goes through a shard, as `stats` messages do.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatsDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let x = Result { () throws(StatsDecodeError) in try fast.decode(bytes, into: &fastReport) }
    let y = Result { () throws(StatsDecodeError) in try general.decode(bytes, into: &generalReport) }
    switch (x, y) {
    case (.success, .success):
        precondition(fastReport.isIdentical(to: generalReport), "the compact fast path changed a report")
    case (.failure(let e), .failure(let f)):
        precondition(e == f, "the compact fast path changed an error: \(e) vs \(f)")
    default:
        preconditionFailure("the compact fast path changed the outcome: \(x) vs \(y)")
    }
    now += 2_000
    _ = try? shard.ingest(visit: "v", participant: size % 2 == 0 ? "a" : "b", peer: nil, report: bytes, nowMs: now)
    return 0
}
