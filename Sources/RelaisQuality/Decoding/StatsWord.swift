// RelaisQuality: the string values the decoders recognise (stats types, kinds, codecs, states).

/// A string value the decoders understand, matched case-insensitively by hash + bytes.
enum StatsWord: CaseIterable {
    // getStats() `type`
    case inboundRtp, outboundRtp, remoteInboundRtp, remoteOutboundRtp, candidatePair, codecEntry
    case transport, mediaSource
    // kind / mediaType
    case audio, video
    // compact `dir`
    case inShort, inLong, outShort, outLong
    // codec short names (compact) and MIME types (getStats() codec entries)
    case opus, red, pcmu, pcma, g722, vp8, vp9, h264, h265, av1
    case audioOpus, audioRed, audioPcmu, audioPcma, audioG722
    case videoVp8, videoVp9, videoH264, videoH265, videoAv1
    // ICE / candidate-pair states that mean the path is gone
    case failed, closed

    var text: StaticString {
        switch self {
        case .inboundRtp: "inbound-rtp"
        case .outboundRtp: "outbound-rtp"
        case .remoteInboundRtp: "remote-inbound-rtp"
        case .remoteOutboundRtp: "remote-outbound-rtp"
        case .candidatePair: "candidate-pair"
        case .codecEntry: "codec"
        case .transport: "transport"
        case .mediaSource: "media-source"
        case .audio: "audio"
        case .video: "video"
        case .inShort: "in"
        case .inLong: "inbound"
        case .outShort: "out"
        case .outLong: "outbound"
        case .opus: "opus"
        case .red: "red"
        case .pcmu: "pcmu"
        case .pcma: "pcma"
        case .g722: "g722"
        case .vp8: "vp8"
        case .vp9: "vp9"
        case .h264: "h264"
        case .h265: "h265"
        case .av1: "av1"
        case .audioOpus: "audio/opus"
        case .audioRed: "audio/red"
        case .audioPcmu: "audio/pcmu"
        case .audioPcma: "audio/pcma"
        case .audioG722: "audio/g722"
        case .videoVp8: "video/vp8"
        case .videoVp9: "video/vp9"
        case .videoH264: "video/h264"
        case .videoH265: "video/h265"
        case .videoAv1: "video/av1"
        case .failed: "failed"
        case .closed: "closed"
        }
    }

    var codec: Codec? {
        switch self {
        case .opus, .audioOpus: .opus
        case .red, .audioRed: .red
        case .pcmu, .audioPcmu, .pcma, .audioPcma: .g711
        case .g722, .audioG722: .g722
        case .vp8, .videoVp8: .vp8
        case .vp9, .videoVp9: .vp9
        case .h264, .videoH264: .h264
        case .h265, .videoH265: .h265
        case .av1, .videoAv1: .av1
        default: nil
        }
    }
}

/// Case-insensitive lookup table for ``StatsWord``; same design as ``StatsKeyTable``.
struct StatsWordTable: Sendable {
    private struct Slot {
        var hash: UInt64
        var word: StatsWord
    }

    private static let size = 128
    private let slots: [Slot?]

    static let shared = StatsWordTable()

    private init() {
        precondition(StatsWord.allCases.count * 2 <= Self.size, "word table too full")
        var slots = [Slot?](repeating: nil, count: Self.size)
        for word in StatsWord.allCases {
            var h = FNV1a.offsetBasis
            let p = word.text.utf8Start
            for i in 0..<word.text.utf8CodeUnitCount { h = FNV1a.step(h, JSONScanner.lower(p[i])) }
            var i = Int(truncatingIfNeeded: h) & (Self.size - 1)
            while slots[i] != nil { i = (i + 1) & (Self.size - 1) }
            slots[i] = Slot(hash: h, word: word)
        }
        self.slots = slots
    }

    func lookup(_ token: JSONString, in scanner: JSONScanner) -> StatsWord? {
        // Longest word is 19 bytes; don't look at long ids or fmtp lines.
        guard token.count <= 24 else { return nil }
        // Fold case and undo the one escape serialisers use in these words (`\/`, e.g.
        // `audio\/opus` from serialisers that escape slashes), into a stack buffer.
        var folded = InlineArray<24, UInt8>(repeating: 0)
        var n = 0
        var i = token.start
        while i < token.end {
            var b = scanner.base[i]
            if b == UInt8(ascii: "\\"), i + 1 < token.end, scanner.base[i + 1] == UInt8(ascii: "/") {
                i += 1
                b = UInt8(ascii: "/")
            }
            folded[n] = JSONScanner.lower(b)
            n += 1
            i += 1
        }
        var h = FNV1a.offsetBasis
        for k in 0..<n { h = FNV1a.step(h, folded[k]) }
        var slot = Int(truncatingIfNeeded: h) & (Self.size - 1)
        while let entry = slots[slot] {
            if entry.hash == h, Self.equal(folded, n, entry.word.text) { return entry.word }
            slot = (slot + 1) & (Self.size - 1)
        }
        return nil
    }

    private static func equal(_ bytes: InlineArray<24, UInt8>, _ n: Int, _ text: StaticString) -> Bool {
        guard n == text.utf8CodeUnitCount else { return false }
        let p = text.utf8Start
        for k in 0..<n where bytes[k] != p[k] { return false }
        return true
    }
}

extension StatsWord: Sendable {}
