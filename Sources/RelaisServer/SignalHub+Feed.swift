import RelaisCore
import RelaisQuality
import RelaisSignalling

/// What the room hubs publish to the live feed (docs/api.md, "Live feed"). Every entry point returns at once when
/// nobody is subscribed, before building anything: these calls sit on the signalling and stats paths.
///
/// Privacy: events name visits and participants by their opaque ids and roles only. Display names, tokens, SDP,
/// candidates and addresses never reach a feed event (the audit event they are derived from has none either).
extension SignalHub {
    /// How often a participant's `quality` goes to the feed when its level does not change (one scoring window).
    static let feedQualityIntervalMs: Int64 = 5_000

    func publishVisitStarted(_ room: Room, source: String) {
        guard feed.isActive else { return }
        let bytes = Self.event("visit-started", visit: room.id, timeMs: nowMs) { json in
            json.field("source", source)
            json.field("createdAt", room.createdAtMs)
            if let endsAtMs = room.endsAtMs { json.field("endsAt", endsAtMs) }
            json.field("consentRequired", room.consentRequired)
            json.field("maxParticipants", room.maxParticipants)
        }
        feed.publish(.visit, visit: room.id, bytes, from: loop)
    }

    /// `recorded` is false for a visit forgotten after standing empty (it never ended, so the API does not list it).
    func publishVisitEnded(_ visit: String, reason: String, snapshot: VisitQualitySnapshot?, recorded: Bool) {
        guard feed.isActive else { return }
        let bytes = Self.event("visit-ended", visit: visit, timeMs: nowMs) { json in
            json.field("reason", reason)
            json.field("recorded", recorded)
            if let snapshot {
                json.field("level", snapshot.level.name)
                if let mean = snapshot.summary.meanMOS { json.field("meanMos", mean) }
            }
        }
        feed.publish(.visit, visit: visit, bytes, from: loop)
    }

    /// Roster changes, read off the room's audit events (which every room emits whether or not a log is kept).
    func publishRoster(_ event: AuditEvent) {
        guard feed.isActive, let visit = event.room, let participant = event.participant else { return }
        let type: String
        var state: String?
        var reason: String?
        var granted: Bool?
        switch event.kind {
        case .join: (type, state) = ("participant-joined", "admitted")
        case .lobbyWait: (type, state) = ("participant-joined", "lobby")
        case .admit: type = "participant-admitted"
        case .deny: (type, reason) = ("participant-left", "denied")
        case .leave: (type, reason) = ("participant-left", "left")
        case .timeout: (type, reason) = ("participant-left", "timeout")
        case .remove: (type, reason) = ("participant-left", "removed")
        case .consent: (type, granted) = ("consent", event.detail?.hasPrefix("granted") == true)
        // A resume or a newer device keeps the participant in the visit: nothing changes for a dashboard.
        case .resume, .superseded, .end, .authFailed, .resumeFailed: return
        }
        let bytes = Self.event(type, visit: visit, timeMs: event.timeMs) { json in
            json.field("participant", participant)
            if let role = event.role { json.field("role", role) }
            if let state { json.field("state", state) }
            if let reason { json.field("reason", reason) }
            if let granted { json.field("granted", granted) }
        }
        feed.publish(.visit, visit: visit, bytes, from: loop)
    }

    /// A participant's score: the protocol's `quality` message plus `visit` and `time`, on a level change and at
    /// most every `feedQualityIntervalMs` otherwise (a dashboard's chart wants every window, not every report).
    /// Called right after `participant`'s report was ingested: the full quality is read from the shard
    /// (`ingestedQuality`) only when it is published.
    func publishQuality(visit: String, participant: String, level: QualityLevel, levelChanged: Bool) {
        guard feed.isActive, level != .unknown || levelChanged else { return }
        let now = nowMs
        let key = visit + "\u{0}" + participant
        if !levelChanged, let last = lastFeedQualityMs[key], now - last < Self.feedQualityIntervalMs { return }
        lastFeedQualityMs[key] = now
        var encoded: [UInt8] = []
        quality.ingestedQuality.encode(into: &encoded)
        guard encoded.count >= 2 else { return }
        let bytes = Self.event("quality", visit: visit, timeMs: now) { json in
            json.rawMembers(encoded[1..<(encoded.count - 1)])
        }
        feed.publish(.quality, visit: visit, bytes, from: loop)
    }

    /// Forgets the feed throttle of a participant who left (bounded memory on long-running servers).
    func forgetFeedQuality(visit: String, participant: String) {
        lastFeedQualityMs[visit + "\u{0}" + participant] = nil
    }

    static func event(_ type: String, visit: String?, timeMs: Int64, _ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("type", type)
        if let visit { json.field("visit", visit) }
        json.field("time", timeMs)
        body(&json)
        json.endObject()
        return json.bytes
    }
}
