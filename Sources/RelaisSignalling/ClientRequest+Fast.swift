import RelaisCore

extension ParsedRequest {
    /// Fast path for the messages that make up almost all signalling traffic (`offer`, `answer`, `candidate`, and
    /// `stats` every 2 s from every participant): one pass over the bytes picks out `type`, `to`/`peer`, `rid` and
    /// the payload's byte range, with no JSON tree and no strings but the ids. For `stats` that matters most: the
    /// general parser would build a tree of the whole report (a string per key, a `strtod` per number) only for
    /// the quality decoder to read the same bytes again. Anything unusual (escapes in those fields, another type,
    /// a missing or ill-typed field, invalid JSON) returns nil and the caller uses the general parser, which also
    /// produces the errors. `bytes` must be valid UTF-8 (a WebSocket text frame).
    static func parseFast(_ bytes: [UInt8]) -> ParsedRequest? {
        var type: Range<Int>?, to: Range<Int>?, rid: Range<Int>?, sdp: Range<Int>?, candidate: Range<Int>?
        var peer: Range<Int>?, report: Range<Int>?
        var ridSeen = false
        let valid = bytes.withUnsafeBytes { raw in
            JSONParser.scanTopLevelObject(raw, maxDepth: 16) { key, value in
                // First occurrence wins, as in the general parser.
                switch key.count {
                case 2 where key.elementsEqual("to".utf8): if to == nil { to = value }
                case 3 where key.elementsEqual("rid".utf8): if !ridSeen { ridSeen = true; rid = value }
                case 3 where key.elementsEqual("sdp".utf8): if sdp == nil { sdp = value }
                case 4 where key.elementsEqual("type".utf8): if type == nil { type = value }
                case 4 where key.elementsEqual("peer".utf8): if peer == nil { peer = value }
                case 6 where key.elementsEqual("report".utf8): if report == nil { report = value }
                case 9 where key.elementsEqual("candidate".utf8): if candidate == nil { candidate = value }
                default: break
                }
            }
        }
        guard valid, let typeRange = type else { return nil }
        var ridValue: String?
        if let rid {
            guard let s = plainString(bytes, rid), s.utf8.count <= 128 else { return nil }
            ridValue = s
        }
        if bytes[typeRange].elementsEqual(#""stats""#.utf8) {
            guard let report else { return nil }
            var peerID: String?
            if let peer {
                guard let id = plainString(bytes, peer), Identifier.isValid(id) else { return nil }
                peerID = id
            }
            return ParsedRequest(type: "stats", rid: ridValue, request: .stats(report: Array(bytes[report]), peer: peerID))
        }
        guard let kind = relayKind(bytes, typeRange),
              let toRange = to, let toID = plainString(bytes, toRange), Identifier.isValid(toID) else { return nil }
        let payload: Range<Int>
        switch kind {
        case .offer, .answer:
            // A non-empty string (escapes are fine: the bytes are forwarded as they are).
            guard let sdp, sdp.count > 2, bytes[sdp.lowerBound] == UInt8(ascii: "\"") else { return nil }
            payload = sdp
        case .candidate:
            guard let candidate, bytes[candidate.lowerBound] == UInt8(ascii: "{") || bytes[candidate.lowerBound] == UInt8(ascii: "n") else {
                return nil
            }
            payload = candidate
        }
        return ParsedRequest(type: kind.rawValue, rid: ridValue,
                             request: .relay(kind: kind, to: toID, payload: Array(bytes[payload])))
    }

    /// The content of a string value without escapes, or nil.
    private static func plainString(_ bytes: [UInt8], _ range: Range<Int>) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""), bytes[range.upperBound - 1] == UInt8(ascii: "\"") else {
            return nil
        }
        let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
        guard !inner.contains(UInt8(ascii: "\\")) else { return nil }
        return String(decoding: inner, as: UTF8.self)
    }

    private static func relayKind(_ bytes: [UInt8], _ range: Range<Int>) -> RelayKind? {
        let quoted = bytes[range]
        if quoted.elementsEqual(#""offer""#.utf8) { return .offer }
        if quoted.elementsEqual(#""answer""#.utf8) { return .answer }
        if quoted.elementsEqual(#""candidate""#.utf8) { return .candidate }
        return nil
    }
}
