// RelaisWebSocket transport benchmarks: the per-message work of the server's WebSocket path without sockets.
//
//   decode   a 256-byte masked text frame through the server state machine (header parse + unmask + UTF-8)
//   encode   a 256-byte text message framed by the server (header + copy, no mask)
//   mask     64 KiB XOR (un)masking
//   utf8     64 KiB validation, pure ASCII (8-byte fast path) and multi-byte text (DFA on every byte)
//   deflate  2 KiB JSON-like message, compress + inflate with context takeover (zlib streams, and the same
//            through a client -> server connection pair)
//
// Run: cd Benchmarks && swift package --scratch-path .build benchmark --target TransportBenchmarks
// Results (p50 per operation, mallocs per operation) and the machine they came from: docs/benchmarks.md.
import Benchmark
import RelaisBenchmarkSupport
import RelaisCore
import RelaisWebSocket

// MARK: - Inputs

/// 256 bytes of ASCII text, as a signalling message of that size would be.
let text256: [UInt8] = {
    let base = Array(#"{"type":"candidate","to":"p-7f3a","candidate":{"candidate":"candidate:0 1 udp 2122260223 192.0.2.7 54321 typ host generation 0 ufrag Zx9q network-id 1","sdpMid":"0","sdpMLineIndex":0},"rid":"r-000001"}"#.utf8)
    var out = base
    while out.count < 256 { out.append(UInt8(ascii: " ")) }
    return Array(out.prefix(256))
}()

/// The same message as a client sends it: one FIN text frame, masked (RFC 6455 §5.3).
let maskedFrame256: [UInt8] = {
    var out: [UInt8] = []
    WebSocketFrame(opcode: .text, payload: text256).encode(into: &out, maskingKey: [0x37, 0xFA, 0x21, 0x3D])
    return out
}()

let size64K = 64 * 1024

/// 64 KiB of ASCII.
let ascii64K: [UInt8] = (0..<size64K).map { UInt8(ascii: "a") + UInt8($0 % 26) }

/// 64 KiB of multi-byte UTF-8 (2-, 3- and 4-byte sequences, a little ASCII), cut at a character boundary.
let multibyte64K: [UInt8] = {
    let sample = Array("Привет, мир — こんにちは世界 — 안녕하세요 — Grüße — 🙂🚑🩺 — ".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(size64K + sample.count)
    while out.count < size64K { out += sample }
    var n = size64K
    while n > 0 && out[n] & 0xC0 == 0x80 { n -= 1 }  // do not cut inside a character
    return Array(out.prefix(n))
}()

/// JSON-like messages of about 2 KiB (a stats report), with changing numbers so that context takeover does not
/// reduce every message after the first to one back-reference.
let json2K: [[UInt8]] = (0..<64).map { i in
    var s = #"{"type":"stats","report":{"v":1,"timestamp":\#(1_795_853_476_583 + i * 2000),"roundTripTime":0.0\#(10 + i % 80),"streams":["#
    var k = 0
    while s.utf8.count < 1900 {
        s += #"{"id":"s\#(k)","kind":"\#(k % 2 == 0 ? "audio" : "video")","dir":"in","codec":"opus","packetsReceived":\#(i * 100 + k * 7),"#
        s += #""packetsLost":\#((i + k) % 13),"bytesReceived":\#(i * 9000 + k * 131),"jitter":0.00\#((i * 3 + k) % 10),"#
        s += #""framesDecoded":\#(i * 60 + k)},"#
        k += 1
    }
    s += #"{"id":"end"}]}}"#
    while s.utf8.count < 2048 { s += " " }
    return Array(s.utf8.prefix(2048))
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = RelaisBenchmarks.configuration(warmupIterations: 1000)
    // Operations of a microsecond or more are timed one by one (more samples within maxDuration).
    let perOperation = Benchmark.Configuration(scalingFactor: .one)
    _ = (text256.count, maskedFrame256.count, ascii64K.count, multibyte64K.count, json2K.count)

    // One masked 256-byte text message from the socket to a `.text` event: the bytes are appended to the
    // connection's input buffer as the driver does after a read, then decoded.
    Benchmark("ws-decode-256B-masked-text") { benchmark in
        var connection = WebSocketConnection(role: .server)
        var input = ByteBuffer(capacity: 4096)
        var output: [UInt8] = []
        output.reserveCapacity(256)
        for _ in benchmark.scaledIterations {
            maskedFrame256.withUnsafeBytes { input.write($0) }
            let event = connection.nextEvent(from: &input, output: &output)
            blackHole(event)
        }
        precondition(input.isEmpty && output.isEmpty && connection.state == .open)
    }

    // One 256-byte text message framed by the server into its output buffer (reused, as the driver's is once
    // the previous write has been flushed).
    Benchmark("ws-encode-256B-text") { benchmark in
        var connection = WebSocketConnection(role: .server)
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        for _ in benchmark.scaledIterations {
            connection.sendText(text256, into: &output)
            blackHole(output.count)
            output.removeAll(keepingCapacity: true)
        }
    }

    Benchmark("ws-mask-64KiB", configuration: perOperation) { benchmark in
        var buffer = ascii64K
        for _ in benchmark.scaledIterations {
            buffer.withUnsafeMutableBytes { WebSocketMask.apply(key: (0x37, 0xFA, 0x21, 0x3D), to: $0, offset: 0) }
            blackHole(buffer[0])
        }
    }

    Benchmark("utf8-validate-64KiB-ascii", configuration: perOperation) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ascii64K.withUnsafeBytes { UTF8Validator.isValid($0) })
        }
    }

    Benchmark("utf8-validate-64KiB-multibyte", configuration: perOperation) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(multibyte64K.withUnsafeBytes { UTF8Validator.isValid($0) })
        }
    }

    // permessage-deflate with context takeover (the default agreement): one compressor and one decompressor
    // that keep their window across messages.
    Benchmark("deflate-inflate-2KiB-json-zlib-streams", configuration: perOperation) { benchmark in
        var deflater = DeflateStream(windowBits: 15)
        var inflater = InflateStream()
        var compressed: [UInt8] = []
        compressed.reserveCapacity(4096)
        var restored: [UInt8] = []
        restored.reserveCapacity(4096)
        var i = 0
        for _ in benchmark.scaledIterations {
            json2K[i].withUnsafeBytes { deflater.compressMessage($0, reset: false, into: &compressed) }
            try? compressed.withUnsafeBytes { try inflater.decompress($0, final: true, limit: 1 << 20, into: &restored) }
            blackHole(restored.count)
            compressed.removeAll(keepingCapacity: true)
            restored.removeAll(keepingCapacity: true)
            i = (i + 1) & 63
        }
    }

    // The same round trip through the state machines: client `sendText` (compress + frame + mask) then server
    // `nextEvent` (parse + unmask + inflate + UTF-8), both with context takeover.
    Benchmark("deflate-inflate-2KiB-json-connection", configuration: perOperation) { benchmark in
        let agreed = PerMessageDeflateConfiguration()
        var client = WebSocketConnection(role: .client, deflate: agreed)
        var server = WebSocketConnection(role: .server, deflate: agreed)
        var wire: [UInt8] = []
        wire.reserveCapacity(4096)
        var input = ByteBuffer(capacity: 4096)
        var output: [UInt8] = []
        var i = 0
        for _ in benchmark.scaledIterations {
            client.sendText(json2K[i], into: &wire)
            wire.withUnsafeBytes { input.write($0) }
            wire.removeAll(keepingCapacity: true)
            blackHole(server.nextEvent(from: &input, output: &output))
            i = (i + 1) & 63
        }
        precondition(input.isEmpty && server.state == .open)
    }
}
