// The compact fast path (StatsDecoder+CompactFast.swift) against the general scanner: same
// report or same error, byte for byte, on conforming, reordered, unusual and broken input.
import Testing
@testable import RelaisQuality

struct CompactFastPathTests {
    /// The documented example (docs/quality.md §1.1), minified.
    static let documented = #"{"v":1,"timestamp":1795853486593.6,"roundTripTime":0.012,"bytesReceived":394524,"iceState":"connected","streams":[{"id":"a1","kind":"audio","dir":"in","codec":"opus","fec":true,"packetsReceived":600,"packetsLost":0,"packetsDiscarded":0,"bytesReceived":33662,"jitter":0.001,"jitterBufferDelay":4.8,"jitterBufferEmittedCount":48000,"concealedSamples":0,"totalSamplesReceived":0,"roundTripTime":0.0048,"totalRoundTripTime":0.0058,"roundTripTimeMeasurements":2},{"id":"v1","kind":"video","dir":"in","codec":"vp8","packetsReceived":391,"packetsLost":0,"bytesReceived":317170,"jitter":0.001,"framesDecoded":236,"framesDropped":0,"freezeCount":0,"totalFreezesDuration":0,"frameWidth":640,"frameHeight":360,"framesPerSecond":20,"expectedWidth":1280,"expectedHeight":720,"expectedFps":30},{"id":"v1o","kind":"video","dir":"out","codec":"vp8","packetsSent":391,"bytesSent":317170,"frameWidth":640,"frameHeight":360,"framesPerSecond":20,"targetBitrate":1700000,"expectedWidth":1280,"expectedHeight":720,"expectedFps":30,"roundTripTime":0.001,"totalRoundTripTime":0.0199,"roundTripTimeMeasurements":11,"fractionLost":0,"packetsLost":0,"jitter":0.0013}]}"#

    /// The benchmark's report (inbound audio + video).
    static let benchmark = #"{"v":1,"timestamp":1795853478583.0,"roundTripTime":0.012,"streams":[{"id":"a1","kind":"audio","dir":"in","codec":"opus","fec":true,"packetsReceived":100,"packetsLost":0,"bytesReceived":9000,"jitter":0.004,"jitterBufferDelay":1.92,"jitterBufferEmittedCount":96000},{"id":"v1","kind":"video","dir":"in","codec":"vp8","packetsReceived":180,"packetsLost":0,"bytesReceived":198000,"framesDecoded":60,"framesDropped":0,"freezeCount":0,"totalFreezesDuration":0,"frameWidth":1280,"frameHeight":720,"framesPerSecond":30,"expectedWidth":1280,"expectedHeight":720,"expectedFps":30}]}"#

    /// Inputs the fast path handles itself, each unusual in one way the general path accepts.
    static let fastInputs: [String] = [
        documented,
        benchmark,
        // Members in reverse order, top level and streams (timestamp after streams).
        #"{"streams":[{"expectedFps":30,"frameWidth":640,"packetsReceived":9,"codec":"vp8","dir":"in","kind":"video","id":"v"}],"bytesReceived":7,"timestamp":5,"v":1}"#,
        // No ids (kind + dir identify), no v, stream timestamps, negative packetsLost, -0, fractions, exponents.
        #"{"timestamp":1e3,"streams":[{"kind":"audio","dir":"in","timestamp":999.5,"packetsLost":-3,"jitter":-0,"packetsReceived":12345678901234567890},{"kind":"audio","dir":"out","packetsSent":1.5E+2,"roundTripTime":2.5e-3}]}"#,
        // Case and long forms of words, an escaped slash, unknown codec, duplicate members (last wins).
        #"{"v":1,"timestamp":1,"iceState":"FAILED","streams":[{"kind":"AUDIO","dir":"inbound","codec":"audio\/opus","codec":"red","packetsReceived":1,"packetsReceived":2},{"kind":"Video","dir":"OUTBOUND","codec":"theora","id":"x","kind":"bogus"}]}"#,
        // 1–9 digit integers around the 8-byte integer fast path, a 0, and `}` right after a number.
        #"{"timestamp":1,"streams":[{"kind":"audio","dir":"in","packetsReceived":0,"packetsLost":7,"bytesReceived":1234567,"framesDecoded":12345678,"framesDropped":123456789}]}"#,
        // Decimals at the limits of the 8-digit folding: 16 + 3 digits, 7 fraction digits, fraction
        // zeros, 17 integer digits (through the scanner) and 8 and 15 fraction digits.
        #"{"timestamp":1234567890123456.123,"streams":[{"kind":"audio","dir":"in","jitter":0.0000001,"jitterBufferDelay":12345678.1234567,"bytesReceived":12345678901234567,"totalRoundTripTime":0.12345678,"roundTripTime":0.0,"framesPerSecond":29.970029970029970,"concealedSamples":1843.1999999999998}]}"#,
        // Every other metric is still a metric; state as well as iceState; fec false.
        #"{"timestamp":1,"state":"closed","packetsSent":4,"streams":[{"kind":"video","dir":"in","fec":false,"width":640,"height":480,"v":3,"currentRoundTripTime":0.2}]}"#,
        // An escape inside a value (validated, hashed raw, as the general path does).
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","id":"a\"b\u00e9"}]}"#,
        // `streams` twice (both appended, as the general path does).
        #"{"timestamp":1,"streams":[{"kind":"audio","dir":"in","id":"a"}],"streams":[{"kind":"audio","dir":"in","id":"b"}]}"#,
    ]

    /// Inputs the fast path must hand to the general path (which accepts or rejects them).
    static let fallbackInputs: [String] = [
        " " + benchmark,
        benchmark + "\n",
        #"{"v":1, "timestamp":1,"streams":[]}"#,
        #"{"v":1,"timestamp":1,"streams":[]}"#,
        #"{"v":1,"timestamp":1,"streams":null}"#,
        #"{"v":1,"timestamp":1,"extra":{"a":[1,2]},"streams":[{"kind":"audio","dir":"in"}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","x":1}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","jitter":null}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","mediaType":"video"}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","decoderImplementation":"libvpx"}]}"#,
        #"{"v":1,"timestamp":1,"currentRoundTripTime":0.3,"streams":[{"kind":"audio","dir":"in"}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","k\u0069nd":"video"}]}"#,
        #"{"v":2,"timestamp":1,"streams":[{"kind":"audio","dir":"in"}]}"#,
        #"{"v":1,"streams":[{"kind":"audio","dir":"in"}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio"}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","id":"a"},{"kind":"video","dir":"in","id":"a"}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","packetsReceived":-1}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","packetsReceived":01}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","packetsReceived":1x}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","jitter":NaN}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","jitter":-Infinity}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","jitter":1e400}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","fec":"yes"}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","fec":truex}]}"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in"}]} x"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in"}]"#,
        #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in"}}"#,
        #"{"a1":{"type":"inbound-rtp"}}"#,
        #"{"streams":{"kind":"audio"}}"#,
    ]

    /// Decodes with the fast path on and off: same report, or same error.
    private func compare(_ bytes: [UInt8], limits: StatsDecoder.Limits = StatsDecoder.Limits(),
                         sourceLocation: SourceLocation = #_sourceLocation)
    {
        var fast = StatsDecoder(limits: limits)
        var general = StatsDecoder(limits: limits)
        general.compactFastPath = false
        let a = Result { () throws(StatsDecodeError) in try fast.decode(bytes) }
        let b = Result { () throws(StatsDecodeError) in try general.decode(bytes) }
        switch (a, b) {
        case (.success(let x), .success(let y)):
            #expect(Self.same(x, y), "reports differ: \(String(decoding: bytes, as: UTF8.self))",
                    sourceLocation: sourceLocation)
        case (.failure(let x), .failure(let y)):
            #expect(x == y, "errors differ: \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        default:
            Issue.record("\(a) vs \(b): \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        }
    }

    /// Every field of two reports, every slot of every stream (present or not), bit for bit.
    static func same(_ x: StatsReport, _ y: StatsReport) -> Bool { x.isIdentical(to: y) }

    /// Whether the fast path decodes `text` by itself.
    private func fastPathTakes(_ text: String, limits: StatsDecoder.Limits = StatsDecoder.Limits()) -> Bool {
        var decoder = StatsDecoder(limits: limits)
        var report = StatsReport()
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            decoder.decodeCompactFast(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: raw.count,
                                      into: &report)
        }
    }

    @Test("decimals of every integer and fraction length, mid-report and last, decode as the general path does")
    func decimalLengths() {
        var g = SeededGenerator(state: 3)
        func digits(_ n: Int, leadingZero: Bool = false) -> String {
            String((0..<n).map { k in
                Character(String(k == 0 && !leadingZero ? Int.random(in: 1...9, using: &g) : Int.random(in: 0...9, using: &g)))
            })
        }
        var fastTaken = 0
        for whole in 0...18 {
            for fraction in 0...18 {
                for zeros in [0, 3, 9] where fraction > 0 || zeros == 0 {
                    let head = whole == 0 ? "0" : digits(whole)
                    let tail = fraction == 0 ? "" : "." + String(repeating: "0", count: zeros) + digits(fraction, leadingZero: true)
                    let number = head + tail
                    // Mid-report, and as the report's last value (only `}]}` after it).
                    let text = #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","jitterBufferDelay":"#
                        + number + #","packetsReceived":1,"jitter":"# + number + "}]}"
                    compare(Array(text.utf8))
                    if fastPathTakes(text) { fastTaken += 1 }
                }
            }
        }
        #expect(fastTaken > 100)
    }

    @Test("conforming and reordered compact reports take the fast path and decode as the general path does",
          arguments: fastInputs)
    func fastInput(_ text: String) {
        #expect(fastPathTakes(text))
        compare(Array(text.utf8))
    }

    @Test("whitespace, unknown members, null, non-compact members and errors fall back, with identical results",
          arguments: fallbackInputs)
    func fallbackInput(_ text: String) {
        #expect(!fastPathTakes(text))
        compare(Array(text.utf8))
    }

    @Test("the hostile inputs of the decoder tests give the same errors with and without the fast path")
    func hostile() {
        for h in StatsDecoderTests.hostile { compare(Array(h.json.utf8)) }
    }

    @Test("every prefix of a conforming report gives the same result")
    func prefixes() {
        let bytes = Array(Self.documented.utf8)
        for n in 0...bytes.count { compare(Array(bytes[..<n])) }
    }

    @Test("every byte of a conforming report replaced by a JSON-significant byte gives the same result")
    func mutations() {
        let substitutes = Array(#",}]{["\:0 -9.exn"#.utf8) + [0x01, 0xC3]
        for text in [Self.benchmark, Self.fastInputs[3], Self.fastInputs[4]] {
            let bytes = Array(text.utf8)
            for i in bytes.indices {
                for b in substitutes where b != bytes[i] {
                    var m = bytes
                    m[i] = b
                    compare(m)
                }
                var shorter = bytes
                shorter.remove(at: i)
                compare(shorter)
            }
        }
    }

    @Test("reports larger than the padded copy's first capacity, then smaller ones, decode as the general path does")
    func paddedCopyGrows() throws {
        // 32 streams (the limit) of ~190 bytes: ~6 KB, three times the copy's initial 2 KiB.
        let streams = (0..<32).map { i in
            #"{"id":"s\#(i)","kind":"video","dir":"in","codec":"vp8","packetsReceived":\#(i * 1000),"packetsLost":3,"bytesReceived":123456789,"framesDecoded":4567,"frameWidth":1280,"frameHeight":720,"framesPerSecond":29.97}"#
        }
        let large = #"{"v":1,"timestamp":1795853478583.5,"streams":["# + streams.joined(separator: ",") + "]}"
        #expect(large.utf8.count > 2 * 2048)
        var decoder = StatsDecoder()
        var general = StatsDecoder()
        general.compactFastPath = false
        for text in [Self.benchmark, large, Self.documented, large + " ", large, Self.benchmark] {
            let bytes = Array(text.utf8)
            #expect(Self.same(try decoder.decode(bytes), try general.decode(bytes)))
        }
        #expect(fastPathTakes(large))
        #expect(try decoder.decode(Array(large.utf8)).streams.count == 32)
    }

    @Test("a decoder learning member orders (name hints) decodes alternating shapes as the general path does")
    func alternatingShapes() throws {
        var decoder = StatsDecoder()
        var general = StatsDecoder()
        general.compactFastPath = false
        // Reordered members and streams in a different order each time: every hint is wrong
        // half of the time, and must only cost a search.
        // One report reused throughout, as a shard reuses its own: the fast path overwrites the
        // previous report's streams in place (3, 1, 2, 2, 1 streams) and trims the extra ones.
        let shapes = [Self.documented, Self.fastInputs[2], Self.benchmark, Self.fastInputs[4], Self.fastInputs[7]]
        var report = StatsReport()
        for round in 0..<20 {
            for text in (round % 2 == 0 ? shapes : shapes.reversed()) {
                let bytes = Array(text.utf8)
                #expect(fastPathTakes(text))
                try decoder.decode(bytes, into: &report)
                #expect(Self.same(report, try general.decode(bytes)))
            }
        }
    }

    @Test("0xFF bytes where the name tables' end marker is tried fall back and give the general path's result")
    func endMarkerBytes() {
        // The end marker (32 bytes of 0xFF) is tried right after each table's last entry:
        // `v` for streams, `expectedFps` at the top level.
        let heads = [#"{"timestamp":1,"streams":[{"kind":"audio","dir":"in","v":3"#,
                     #"{"timestamp":1,"expectedFps":3"#, #"{"#]
        for head in heads {
            for run in [1, 8, 31, 32, 33, 40] {
                compare(Array(head.utf8) + [UInt8](repeating: 0xFF, count: run) + Array(#"}]}"#.utf8))
                compare(Array(head.utf8) + [UInt8](repeating: 0xFF, count: run))
            }
        }
    }

    @Test("limits the fast path would exceed make it fall back, and the general path reports them")
    func limits() {
        var streams = StatsDecoder.Limits()
        streams.maxStreams = 1
        var entries = StatsDecoder.Limits()
        entries.maxEntries = 20
        var depth = StatsDecoder.Limits()
        depth.maxDepth = 2
        var strings = StatsDecoder.Limits()
        strings.maxStringBytes = 3
        for limits in [streams, entries, depth, strings] {
            #expect(!fastPathTakes(Self.documented, limits: limits))
            compare(Array(Self.documented.utf8), limits: limits)
            compare(Array(Self.benchmark.utf8), limits: limits)
        }
        entries.maxEntries = 34  // the benchmark report has exactly 34 members and elements
        #expect(fastPathTakes(Self.benchmark, limits: entries))
        compare(Array(Self.benchmark.utf8), limits: entries)
        entries.maxEntries = 33
        #expect(!fastPathTakes(Self.benchmark, limits: entries))
        compare(Array(Self.benchmark.utf8), limits: entries)
    }

    @Test("a string limit below the longest member name disables the fast path (names count as strings)")
    func shortStringLimit() {
        var limits = StatsDecoder.Limits()
        limits.maxStringBytes = 8  // every value here fits, `timestamp` does not
        let text = #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in"}]}"#
        #expect(!fastPathTakes(text, limits: limits))
        compare(Array(text.utf8), limits: limits)
    }

    @Test("a shard fed bytes (fast path) and a shard fed general-path reports agree on every result")
    func shardsAgree() throws {
        let fast = QualityShard()
        let reference = QualityShard()
        var general = StatsDecoder()
        general.compactFastPath = false
        var now: Int64 = 1_000
        for i in 0..<200 {
            // Two participants, audio + video each, loss and a counter reset now and then.
            for (who, peer) in [("patient", "clinician"), ("clinician", "patient")] {
                let n = i == 120 ? 1 : i
                let t = 1_795_853_476_583.0 + Double(i) * 2000
                let text = #"{"v":1,"timestamp":\#(t),"roundTripTime":0.012,"bytesReceived":\#(n * 9000),"streams":[{"id":"a1","kind":"audio","dir":"in","codec":"opus","fec":true,"packetsReceived":\#(100 * n),"packetsLost":\#(n / 7),"bytesReceived":\#(n * 9000),"jitter":0.004,"jitterBufferDelay":\#(Double(n) * 1.92),"jitterBufferEmittedCount":\#(n * 96000)},{"id":"v1","kind":"video","dir":"in","codec":"vp8","packetsReceived":\#(180 * n),"packetsLost":\#(n / 3),"bytesReceived":\#(n * 198000),"framesDecoded":\#(n * 50),"frameWidth":1280,"frameHeight":720,"framesPerSecond":25},{"id":"v1o","kind":"video","dir":"out","packetsSent":\#(180 * n),"bytesSent":\#(n * 198000),"roundTripTime":0.02,"expectedWidth":1280,"expectedHeight":720,"expectedFps":30}]}"#
                let bytes = Array(text.utf8)
                let a = try fast.ingest(visit: "v", participant: who, peer: peer, report: bytes, nowMs: now)
                let b = reference.ingest(visit: "v", participant: who, peer: peer, decoded: try general.decode(bytes),
                                         nowMs: now)
                #expect(a.levelChanged == b.levelChanged && a.level == b.level)
                #expect(fast.ingestedQuality == reference.ingestedQuality)
            }
            now += 2_000
        }
        #expect(fast.visitSnapshot("v")?.series == reference.visitSnapshot("v")?.series)
        #expect(fast.visitSnapshot("v")?.summary == reference.visitSnapshot("v")?.summary)
        #expect(fast.fleetSnapshot() == reference.fleetSnapshot())
        #expect(fast.quality(visit: "v", participant: "patient").level != .unknown)
    }

    @Test("a decoder reused across fast and fallback reports keeps no state between them")
    func reuse() throws {
        var decoder = StatsDecoder()
        var general = StatsDecoder()
        general.compactFastPath = false
        for text in Self.fastInputs + Self.fallbackInputs + Self.fastInputs {
            let bytes = Array(text.utf8)
            let a = Result { () throws(StatsDecodeError) in try decoder.decode(bytes) }
            let b = Result { () throws(StatsDecodeError) in try general.decode(bytes) }
            switch (a, b) {
            case (.success(let x), .success(let y)): #expect(Self.same(x, y))
            case (.failure(let x), .failure(let y)): #expect(x == y)
            default: Issue.record("\(text)")
            }
        }
    }
}
