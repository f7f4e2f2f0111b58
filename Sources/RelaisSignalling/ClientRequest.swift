import RelaisCore

/// One client → server message of protocol v1, validated (docs/protocol.md).
public enum ClientRequest: Sendable, Equatable {
    case join(token: String?, resume: ResumeRequest?)
    /// `offer`, `answer` or `candidate`: relayed to `to` with the payload bytes exactly as sent.
    case relay(kind: RelayKind, to: String, payload: [UInt8])
    case admit(participant: String)
    case deny(participant: String)
    case remove(participant: String)
    case end
    case consent(granted: Bool, version: String?)
    case stats(report: [UInt8], peer: String?)
    /// `t` as sent (any JSON value), echoed in `pong`.
    case ping(t: [UInt8]?)
    case ack(seq: Int)
    case leave
}

public struct ResumeRequest: Sendable, Equatable {
    public var token: String
    public var lastSeq: Int

    public init(token: String, lastSeq: Int) {
        self.token = token
        self.lastSeq = lastSeq
    }
}

/// The relayed negotiation messages and the field each carries.
public enum RelayKind: String, Sendable, Equatable {
    case offer, answer, candidate

    var payloadField: String { self == .candidate ? "candidate" : "sdp" }
}

/// A parsed request with its optional correlation id.
public struct ParsedRequest: Sendable, Equatable {
    public var type: String
    public var rid: String?
    public var request: ClientRequest
}

/// A request the server refuses before acting on it. `code` is the stable error code.
public struct RequestError: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var rid: String?
    /// Known type, used to decide whether this counts as a protocol violation.
    public var type: String?

    public init(_ code: String, _ message: String, rid: String? = nil, type: String? = nil) {
        self.code = code
        self.message = message
        self.rid = rid
        self.type = type
    }
}

extension ParsedRequest {
    /// Parses one text frame. Unknown fields are ignored (forward compatibility); unknown types are errors.
    /// With `validatedUTF8` (a WebSocket text frame) relayed negotiation messages and `stats` take a tree-free fast
    /// path (`parseFast`).
    public static func parse(_ bytes: [UInt8], validatedUTF8: Bool = false) -> Result<ParsedRequest, RequestError> {
        if validatedUTF8, let fast = parseFast(bytes) { return .success(fast) }
        return parseGeneral(bytes)
    }

    static func parseGeneral(_ bytes: [UInt8]) -> Result<ParsedRequest, RequestError> {
        let object: JSONTopLevelObject
        do { object = try JSONParser.parseTopLevelObject(bytes, maxDepth: 16) } catch {
            return .failure(RequestError("bad_json", "message is not a JSON object (\(error.reason) at byte \(error.offset))"))
        }
        var rid: String?
        if let value = object["rid"] {
            guard let s = value.stringValue, s.utf8.count <= 128 else {
                return .failure(RequestError("bad_request", "rid must be a string of at most 128 bytes"))
            }
            rid = s
        }
        guard let type = object["type"]?.stringValue else {
            return .failure(RequestError("bad_request", "missing string field 'type'", rid: rid))
        }
        func fail(_ message: String) -> Result<ParsedRequest, RequestError> {
            .failure(RequestError("bad_request", message, rid: rid, type: type))
        }
        func participantField(_ name: String) -> String? {
            guard let id = object[name]?.stringValue, Identifier.isValid(id) else { return nil }
            return id
        }
        let request: ClientRequest
        switch type {
        case "join":
            var resume: ResumeRequest?
            if let r = object["resume"], !r.isNull {
                guard let token = r["token"]?.stringValue, let last = r["lastSeq"]?.int64Value, last >= 0, last < Int64(Int32.max) else {
                    return fail("resume must be {token: string, lastSeq: integer >= 0}")
                }
                resume = ResumeRequest(token: token, lastSeq: Int(last))
            }
            let token = object["token"]?.stringValue
            if token == nil && resume == nil { return fail("join needs 'token' (or 'resume')") }
            request = .join(token: token, resume: resume)
        case "offer", "answer", "candidate":
            let kind = RelayKind(rawValue: type)!
            guard let to = participantField("to") else { return fail("'to' must be a participant id") }
            guard let raw = object.rawValue(kind.payloadField), let value = object[kind.payloadField] else {
                return fail("'\(kind.payloadField)' is required")
            }
            switch kind {
            case .offer, .answer:
                guard let sdp = value.stringValue, !sdp.isEmpty else { return fail("'sdp' must be a non-empty string") }
            case .candidate:
                guard value.isObject || value.isNull else { return fail("'candidate' must be an object or null") }
            }
            request = .relay(kind: kind, to: to, payload: Array(raw))
        case "admit", "deny", "remove":
            guard let id = participantField("participant") else { return fail("'participant' must be a participant id") }
            request = type == "admit" ? .admit(participant: id) : type == "deny" ? .deny(participant: id) : .remove(participant: id)
        case "end":
            request = .end
        case "consent":
            guard let granted = object["granted"]?.boolValue else { return fail("'granted' must be a boolean") }
            let version = object["version"]?.stringValue
            request = .consent(granted: granted, version: version)
        case "stats":
            guard let raw = object.rawValue("report") else { return fail("'report' is required") }
            var peer: String?
            if object["peer"] != nil {
                guard let p = participantField("peer") else { return fail("'peer' must be a participant id") }
                peer = p
            }
            request = .stats(report: Array(raw), peer: peer)
        case "ping":
            request = .ping(t: object.rawValue("t").map(Array.init))
        case "ack":
            guard let seq = object["seq"]?.int64Value, seq >= 0, seq < Int64(Int32.max) else {
                return fail("'seq' must be a non-negative integer")
            }
            request = .ack(seq: Int(seq))
        case "leave":
            request = .leave
        default:
            return .failure(RequestError("unknown_type", "unknown message type", rid: rid))
        }
        return .success(ParsedRequest(type: type, rid: rid, request: request))
    }
}
