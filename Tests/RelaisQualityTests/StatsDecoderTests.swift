// Decoding: the real Chromium fixture, the compact schema, and hostile input.
import Testing
@testable import RelaisQuality

struct StatsDecoderTests {
    static let receiverReports = Fixtures.samples("chromium-getstats.json", side: "receiver")
    static let senderReports = Fixtures.samples("chromium-getstats.json", side: "sender")

    @Test("every Chromium receiver report decodes to one inbound audio and one inbound video stream")
    func chromiumReceiver() throws {
        #expect(Self.receiverReports.count == 10)
        var decoder = StatsDecoder()
        for bytes in Self.receiverReports {
            let r = try decoder.decode(bytes)
            #expect(r.format == .browserArray)
            let inbound = r.streams.filter { $0.direction == .inbound }
            #expect(inbound.count == 2)
            let audio = try #require(inbound.first { $0.kind == .audio })
            let video = try #require(inbound.first { $0.kind == .video })
            #expect(audio.codec == .opus && audio.fec)
            #expect(video.codec == .vp8)
            #expect((audio[.jitter] ?? 1) < 0.05)
            #expect((video[.frameWidth] ?? 0) > 0)
            #expect((r.transportRoundTripTime ?? 1) < 0.05)
            #expect(!r.connectionFailed)
        }
    }

    @Test("Chromium sender reports carry remote-inbound RTT and the media-source size")
    func chromiumSender() throws {
        var decoder = StatsDecoder()
        let r = try decoder.decode(Self.senderReports[5])
        let video = try #require(r.streams.first { $0.kind == .video && $0.direction == .outbound })
        #expect(video[.expectedWidth] == 1280 && video[.expectedHeight] == 720)
        #expect(video[.roundTripTime] != nil)
        #expect(video[.fractionLost] == 0)
    }

    @Test("the id-keyed form decodes like the array form")
    func browserMap() throws {
        var decoder = StatsDecoder()
        let array = try decoder.decode(Self.receiverReports[3])
        let map = try decoder.decode(Array(mapForm(Self.receiverReports[3]).utf8))
        #expect(map.format == .browserMap)
        #expect(map.streams.count == array.streams.count)
        #expect(map.streams.map(\.idHash).sorted() == array.streams.map(\.idHash).sorted())
    }

    /// `{"k0": entry0, "k1": entry1, …}` from an array report, splitting at top-level braces.
    private func mapForm(_ bytes: [UInt8]) -> String {
        var out = "{"
        var depth = 0
        var start = 0
        var index = 0
        let s = Array(bytes)
        for (i, b) in s.enumerated() {
            if b == UInt8(ascii: "{") {
                if depth == 0 { start = i }
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 {
                    if index > 0 { out += "," }
                    out += "\"k\(index)\":" + String(decoding: s[start...i], as: UTF8.self)
                    index += 1
                }
            }
        }
        return out + "}"
    }

    static let compact = """
        {"v":1,"timestamp":1000.5,"roundTripTime":0.04,"streams":[
         {"id":"a","kind":"audio","dir":"in","codec":"opus","fec":true,"packetsReceived":500,"packetsLost":3,
          "bytesReceived":40000,"jitter":0.012,"jitterBufferDelay":4.8,"jitterBufferEmittedCount":48000},
         {"id":"v","kind":"video","dir":"in","codec":"vp8","packetsReceived":900,"packetsLost":0,
          "bytesReceived":900000,"framesDecoded":300,"framesDropped":0,"freezeCount":0,"totalFreezesDuration":0,
          "frameWidth":1280,"frameHeight":720,"framesPerSecond":30,"expectedWidth":1280,"expectedHeight":720,
          "expectedFps":30}]}
        """

    @Test("the compact schema decodes with report timestamp inherited")
    func compactSchema() throws {
        var decoder = StatsDecoder()
        let r = try decoder.decode(Array(Self.compact.utf8))
        #expect(r.format == .compact)
        #expect(r.streams.count == 2)
        #expect(r.streams[0][.timestamp] == 1000.5)
        #expect(r.streams[0].fec && r.streams[0].codec == .opus)
        #expect(r.streams[0][.packetsLost] == 3)
        #expect(r.streams[1][.expectedFps] == 30)
        #expect(r.transportRoundTripTime == 0.04)
    }

    struct Hostile: Sendable, CustomTestStringConvertible {
        var name: String
        var json: String
        var code: String
        var testDescription: String { name }
    }

    static let hostile: [Hostile] = [
        .init(name: "not JSON", json: "hello", code: "invalid_json"),
        .init(name: "empty", json: "", code: "truncated"),
        .init(name: "truncated array", json: #"[{"type":"inbound-rtp","kind":"audio""#, code: "truncated"),
        .init(name: "truncated number", json: #"{"v":1,"timestamp":12"#, code: "truncated"),
        .init(name: "trailing garbage", json: #"{"v":1,"timestamp":1,"streams":[]} x"#, code: "invalid_json"),
        .init(name: "string where number belongs",
              json: #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","packetsReceived":"12"}]}"#,
              code: "bad_field_type"),
        .init(name: "number where string belongs", json: #"[{"type":7}]"#, code: "bad_field_type"),
        .init(name: "NaN literal",
              json: #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","jitter":NaN}]}"#,
              code: "non_finite"),
        .init(name: "Infinity literal", json: #"[{"type":"inbound-rtp","jitter":-Infinity}]"#, code: "non_finite"),
        .init(name: "overflowing number", json: #"[{"type":"inbound-rtp","jitter":1e400}]"#, code: "non_finite"),
        .init(name: "negative counter",
              json: #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","packetsReceived":-5}]}"#,
              code: "negative_counter"),
        .init(name: "deep nesting",
              json: #"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","x":"#
                + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}]}",
              code: "too_deep"),
        .init(name: "array of arrays", json: "[[[]]]", code: "bad_field_type"),
        .init(name: "deep nesting inside an unknown field",
              json: #"[{"x":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}]",
              code: "too_deep"),
        .init(name: "too many streams",
              json: "[" + (0..<40).map { #"{"type":"inbound-rtp","kind":"audio","id":"s\#($0)"}"# }
                .joined(separator: ",") + "]", code: "too_many_streams"),
        .init(name: "huge array", json: "[" + Array(repeating: "{}", count: 30_000).joined(separator: ",") + "]",
              code: "too_many_entries"),
        .init(name: "missing kind", json: #"{"v":1,"timestamp":1,"streams":[{"dir":"in"}]}"#, code: "missing_field"),
        .init(name: "unknown version", json: #"{"v":2,"timestamp":1,"streams":[]}"#, code: "unsupported_version"),
        .init(name: "duplicate stream id",
              json: #"{"v":1,"timestamp":1,"streams":[{"id":"a","kind":"audio","dir":"in"},{"id":"a","kind":"audio","dir":"in"}]}"#,
              code: "duplicate_stream"),
        .init(name: "top-level string", json: #""stats""#, code: "unsupported_format"),
        .init(name: "bad escape", json: #"[{"type":"inbound\qrtp"}]"#, code: "invalid_json"),
        .init(name: "control character in string", json: "[{\"type\":\"in\u{01}bound\"}]", code: "invalid_json"),
        .init(name: "leading zero", json: #"[{"jitter":01}]"#, code: "invalid_json"),
        .init(name: "missing colon", json: #"[{"jitter" 1}]"#, code: "invalid_json"),
        .init(name: "oversized string", json: #"[{"x":""# + String(repeating: "a", count: 9000) + #""}]"#,
              code: "value_too_long"),
    ]

    @Test("hostile input is rejected with a specific error", arguments: hostile)
    func hostileInput(_ h: Hostile) {
        var decoder = StatsDecoder()
        do {
            _ = try decoder.decode(Array(h.json.utf8))
            Issue.record("accepted \(h.name)")
        } catch {
            #expect(error.code == h.code, "\(h.name): got \(error)")
        }
    }

    @Test("input over the byte limit is rejected before scanning")
    func tooLarge() {
        var limits = StatsDecoder.Limits()
        limits.maxBytes = 100
        var decoder = StatsDecoder(limits: limits)
        #expect(throws: StatsDecodeError.tooLarge(bytes: 101)) { try decoder.decode([UInt8](repeating: 32, count: 101)) }
    }

    @Test("null reads as absent, as JSON.stringify writes NaN")
    func nullIsAbsent() throws {
        var decoder = StatsDecoder()
        let r = try decoder.decode(Array(#"{"v":1,"timestamp":5,"streams":[{"kind":"audio","dir":"in","jitter":null}]}"#.utf8))
        #expect(r.streams[0][.jitter] == nil)
    }

    @Test("numbers parse exactly on the fast path and through strtod", arguments: [
        ("0.000708", 0.000708), ("1795853486593.618", 1795853486593.618), ("1.7990199999999998", 1.7990199999999998),
        ("12345678901234567890123", 12345678901234567890123.0), ("-2", -2.0), ("2.5e-3", 0.0025), ("4E2", 400.0),
    ])
    func numbers(_ text: String, _ expected: Double) throws {
        var decoder = StatsDecoder()
        let r = try decoder.decode(Array(#"{"v":1,"timestamp":1,"streams":[{"kind":"audio","dir":"in","packetsLost":\#(text)}]}"#.utf8))
        let parsed = r.streams[0][.packetsLost]
        let v = try #require(parsed)
        #expect(abs(v - expected) <= abs(expected) * 1e-15)
    }
}

extension StatsDecoderTests {
    @Test("an empty StreamStats is all zero bytes (the compact fast path empties streams in place by zeroing them)")
    func emptyStreamIsZeroBytes() {
        // Zeroed memory read as a StreamStats equals StreamStats(), field by field.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<StreamStats>.size,
                                                   alignment: MemoryLayout<StreamStats>.alignment)
        defer { raw.deallocate() }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<StreamStats>.size)
        let z = raw.load(as: StreamStats.self)
        let e = StreamStats()
        #expect(z.kind == e.kind && z.direction == e.direction && z.codec == e.codec && z.fec == e.fec)
        #expect(z.idHash == e.idHash && z.codecIdentity == e.codecIdentity && z.present == e.present)
        #expect((0..<StatsMetric.slotCount).allSatisfy { z.values[$0].bitPattern == e.values[$0].bitPattern })
        var report = StatsReport()
        report.emptyStream(at: 0)
        report.streams[0][.jitter] = 0.5
        report.streams[0].idHash = 7
        report.emptyStream(at: 0)
        #expect(report.streams[0].present == 0 && report.streams[0].idHash == 0 && report.streams[0].values[7] == 0)
        #expect(report.streams.count == 1)
    }
}
