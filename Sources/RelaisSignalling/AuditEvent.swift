import RelaisCore

/// One audit-log entry: opaque ids and facts only (never names, tokens, SDP or addresses).
public struct AuditEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case join, lobbyWait = "lobby_wait", admit, deny, consent, remove, leave, timeout, resume, superseded
        case end, authFailed = "auth_failed", resumeFailed = "resume_failed"
    }

    public var kind: Kind
    public var room: String?
    public var participant: String?
    public var role: String?
    /// Who did it (the clinician for admit/deny/remove/end).
    public var actor: String?
    /// Reason or small detail (`granted:1`, `time_limit`, an error code).
    public var detail: String?
    public var timeMs: Int64

    public init(kind: Kind, room: String? = nil, participant: String? = nil, role: String? = nil, actor: String? = nil,
                detail: String? = nil, timeMs: Int64) {
        self.kind = kind
        self.room = room
        self.participant = participant
        self.role = role
        self.actor = actor
        self.detail = detail
        self.timeMs = timeMs
    }

    /// The entry's JSON without chain fields, keys in a fixed order (the hash covers exactly these bytes).
    func body() -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("time", timeMs)
        json.field("event", kind.rawValue)
        if let room { json.field("room", room) }
        if let participant { json.field("participant", participant) }
        if let role { json.field("role", role) }
        if let actor { json.field("actor", actor) }
        if let detail { json.field("detail", detail) }
        json.endObject()
        return json.bytes
    }
}

/// The hash chain of the audit log: each line is `{"seq":N,"prev":H(n-1),"entry":{…},"hash":H(n)}` where
/// `H(n) = SHA-256(H(n-1) ‖ entry bytes)` in hex. Changing, removing or reordering any line breaks every later
/// hash, which `verify` reports with the line number.
public struct AuditChain: Sendable {
    public private(set) var lastHash: String
    public private(set) var sequence: Int

    public static let genesis = String(repeating: "0", count: 64)

    public init(lastHash: String = AuditChain.genesis, sequence: Int = 0) {
        self.lastHash = lastHash
        self.sequence = sequence
    }

    /// The next line (with trailing newline) for `event`, advancing the chain.
    public mutating func line(for event: AuditEvent) -> [UInt8] {
        let entry = event.body()
        let hash = Self.hash(previous: lastHash, entry: entry)
        sequence += 1
        var json = JSONWriter()
        json.beginObject()
        json.field("seq", sequence)
        json.field("prev", lastHash)
        json.key("entry")
        json.rawValue(entry)
        json.field("hash", hash)
        json.endObject()
        lastHash = hash
        return json.bytes + [0x0A]
    }

    static func hash(previous: String, entry: [UInt8]) -> String {
        let digest = Crypto.sha256(Array(previous.utf8) + entry)
        return digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    public enum VerifyResult: Equatable, Sendable {
        case valid(entries: Int, lastHash: String)
        case broken(line: Int, reason: String)
    }

    /// Checks a whole log. The entry bytes are re-extracted from each line exactly as written.
    public static func verify(lines: [[UInt8]]) -> VerifyResult {
        var previous = genesis
        var count = 0
        for (index, line) in lines.enumerated() where !line.isEmpty {
            let number = index + 1
            guard let object = try? JSONParser.parseTopLevelObject(line) else { return .broken(line: number, reason: "not JSON") }
            guard object["seq"]?.int64Value == Int64(count + 1) else { return .broken(line: number, reason: "sequence gap") }
            guard object["prev"]?.stringValue == previous else { return .broken(line: number, reason: "prev does not match the previous hash") }
            guard let entry = object.rawValue("entry"), let stated = object["hash"]?.stringValue else {
                return .broken(line: number, reason: "missing entry or hash")
            }
            let computed = hash(previous: previous, entry: Array(entry))
            guard computed == stated else { return .broken(line: number, reason: "hash does not match the entry") }
            previous = computed
            count += 1
        }
        return .valid(entries: count, lastHash: previous)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
