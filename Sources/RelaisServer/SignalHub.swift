import RelaisStore
import CoreMetrics
import RelaisCore
import RelaisPosix
import RelaisQuality
import RelaisSignalling

/// Where a session's messages go: its loop and (weakly) its handler.
///
/// `@unchecked Sendable`: it is carried to other loops only to be sent back to `loop` with `execute`; the
/// session is dereferenced on its own loop alone.
struct SessionHandle: @unchecked Sendable {
    let loop: EventLoop
    weak var session: SignalSession?
}

/// The rooms owned by one event loop, and the driver that performs their actions.
///
/// Rooms are spread over loops by a hash of the room id, so every message of a room is handled on one thread in
/// arrival order; sessions on other loops reach it through that loop's inbox. This is the single routing point
/// a multi-node deployment would replace (room id → node).
final class SignalHub {
    let loop: EventLoop
    let configuration: SignallingConfiguration
    let audit: AuditWriter?
    private(set) var rooms: [String: Room] = [:]
    /// Ended visits (cannot be entered again), kept for the API (bounded: the oldest are dropped).
    var endedVisits: [String: VisitInfo] = [:]
    private var endedOrder: [String] = []
    private var sessions: [SessionID: SessionHandle] = [:]
    /// How many ended visits the API remembers per loop (persistence comes with the store).
    static let endedVisitMemory = 10_000
    let quality = QualityShard()
    private var lastQualitySentMs: [String: Int64] = [:]

    let metrics: ServerMetrics
    let store: Store?
    let feed: FeedHub
    /// When each participant's `quality` last went to the feed (SignalHub+Feed; touched only with subscribers).
    var lastFeedQualityMs: [String: Int64] = [:]
    /// Start of the newest quality window already handed to the store, per live visit.
    private var storedUpTo: [String: Int64] = [:]

    init(loop: EventLoop, configuration: SignallingConfiguration, audit: AuditWriter?, metrics: ServerMetrics, store: Store?,
         feed: FeedHub) {
        self.feed = feed
        self.store = store
        self.metrics = metrics
        self.loop = loop
        self.configuration = configuration
        self.audit = audit
    }

    var nowMs: Int64 { loop.clock.wallClockMilliseconds() }

    /// A verified join (or resume) for `roomID`.
    func join(_ context: JoinContext, handle: SessionHandle, roomID: String) {
        sessions[context.session] = handle
        let room: Room
        if let existing = rooms[roomID] {
            room = existing
        } else {
            if endedVisits[roomID] != nil {
                refuse(context.session, code: "visit_ended", message: "this visit has ended", close: 4410)
                return
            }
            guard let claims = context.claims else {
                refuse(context.session, code: "resume_invalid", message: "unknown or expired resume token", close: 4401)
                return
            }
            room = Room(id: roomID, configuration: configuration, consentRequired: claims.consentRequired,
                        maxDurationSeconds: claims.maxDurationSeconds, nowMs: nowMs)
            rooms[roomID] = room
            publishVisitStarted(room, source: "join")
            perform(room.initialTimers(nowMs: nowMs), room: room)
        }
        perform(room.handle(.join(context), nowMs: nowMs), room: room)
    }

    /// Anything else for a room this loop owns.
    func input(_ input: RoomInput, roomID: String) {
        guard let room = rooms[roomID] else {
            if case .disconnected(let session) = input { sessions[session] = nil }
            return
        }
        perform(room.handle(input, nowMs: nowMs), room: room)
        if case .disconnected(let session) = input { sessions[session] = nil }
    }

    /// Ends every room (graceful shutdown).
    func shutdown() {
        for room in Array(rooms.values) { perform(room.handle(.shutdown, nowMs: nowMs), room: room) }
    }

    private func refuse(_ session: SessionID, code: String, message: String, close: UInt16) {
        deliver(session, SessionlessError.bytes(code: code, message: message))
        closeSession(session, code: close, reason: code)
    }

    func perform(_ actions: [RoomAction], room: Room) {
        for action in actions {
            switch action {
            case .send(let session, let bytes):
                deliver(session, bytes)
            case .close(let session, let code, let reason):
                closeSession(session, code: code, reason: reason)
            case .audit(let event):
                audit?.append(event)
                publishRoster(event)
            case .schedule(let timer, let ms):
                let roomID = room.id
                loop.scheduleTimer(after: .milliseconds(ms)) { [weak self] in
                    if case .emptyCheck = timer { self?.collectIfEmpty(roomID); return }
                    self?.input(.timer(timer), roomID: roomID)
                }
            case .qualityReport(let participant, let peer, let report, let rid):
                ingest(room: room, participant: participant, peer: peer, report: report, rid: rid)
            case .qualityForget(let participant):
                quality.removeParticipant(visit: room.id, participant: participant)
                lastQualitySentMs[room.id + "\u{0}" + participant] = nil
                forgetFeedQuality(visit: room.id, participant: participant)
            }
        }
        if room.ended {
            rooms[room.id] = nil
            let snapshot = quality.endVisit(room.id, nowMs: nowMs)
            recordEnded(room, snapshot: snapshot)
            publishVisitEnded(room.id, reason: room.endReason ?? "ended", snapshot: snapshot, recorded: true)
        } else if room.isEmpty {
            let roomID = room.id
            loop.scheduleTimer(after: configuration.emptyRoomTimeout) { [weak self] in
                self?.collectIfEmpty(roomID)
            }
        }
    }

    private func recordEnded(_ room: Room, snapshot: VisitQualitySnapshot?) {
        let info = VisitInfo(
            id: room.id, state: "ended", createdAtMs: room.createdAtMs, endedAtMs: nowMs, endReason: room.endReason,
            endsAtMs: room.endsAtMs, consentRequired: room.consentRequired, maxParticipants: room.maxParticipants,
            participants: room.pastParticipants, quality: snapshot?.participants ?? [], snapshot: snapshot)
        endedVisits[room.id] = info
        if let store {
            let after = storedUpTo.removeValue(forKey: room.id) ?? .min
            let points = (snapshot?.series ?? []).filter { $0.startMs > after }.map { $0.stored(visit: room.id) }
            store.enqueue(.visitEnded(info.storedRecord, points))
        }
        endedOrder.append(room.id)
        if endedOrder.count > Self.endedVisitMemory {
            endedVisits[endedOrder.removeFirst()] = nil
        }
    }

    /// Hands the store every quality window closed since the last call, for each live visit (every 5 s), so a
    /// crash loses at most one flush interval of history.
    func persistWindows() {
        guard let store else { return }
        var batch: [StoredPoint] = []
        for id in rooms.keys {
            // Only the points since the last round (not a snapshot of the whole series: a 24 h
            // visit has 17,280 points, and this runs every 5 s).
            let fresh = quality.seriesPoints(visit: id, after: storedUpTo[id] ?? .min)
            // The newest window may still be filling: keep it for the next round.
            let closed = fresh.dropLast()
            guard let newest = closed.last else { continue }
            batch += closed.map { $0.stored(visit: id) }
            storedUpTo[id] = newest.startMs
        }
        if !batch.isEmpty { store.enqueue(.points(batch)) }
    }

    func perform(adminInput input: RoomInput, roomID: String) -> Bool {
        guard let room = rooms[roomID] else { return false }
        perform(room.handle(input, nowMs: nowMs), room: room)
        return true
    }

    /// Creates a visit ahead of time (scheduling systems). False if the id is taken or ended.
    func createVisit(id: String, consentRequired: Bool?, maxDurationSeconds: Int?, maxParticipants: Int?, endsAtMs: Int64?,
                     lobby: Bool = true) -> Bool {
        guard rooms[id] == nil, endedVisits[id] == nil else { return false }
        let room = Room(id: id, configuration: configuration, consentRequired: consentRequired, maxDurationSeconds: maxDurationSeconds,
                        maxParticipants: maxParticipants, endsAtMs: endsAtMs, lobby: lobby, nowMs: nowMs)
        rooms[id] = room
        publishVisitStarted(room, source: "api")
        perform(room.initialTimers(nowMs: nowMs), room: room)
        // A scheduled visit nobody joins is kept until its end (or the empty timeout after it).
        return true
    }

    func liveInfo(_ room: Room) -> VisitInfo {
        let snapshot = quality.visitSnapshot(room.id)
        return VisitInfo(id: room.id, state: "live", createdAtMs: room.createdAtMs, endedAtMs: nil, endReason: nil,
                         endsAtMs: room.endsAtMs, consentRequired: room.consentRequired, maxParticipants: room.maxParticipants,
                         participants: room.participantSummaries, quality: snapshot?.participants ?? [], snapshot: snapshot)
    }

    private func collectIfEmpty(_ roomID: String) {
        guard let room = rooms[roomID], room.isEmpty else { return }
        if let endsAtMs = room.endsAtMs, endsAtMs > nowMs { return }  // scheduled: wait for its participants
        rooms[roomID] = nil
        let snapshot = quality.endVisit(roomID, nowMs: nowMs)
        publishVisitEnded(roomID, reason: "empty", snapshot: snapshot, recorded: false)
    }

    /// Feeds a `stats` report to this loop's quality shard; `quality` goes out on a level change, or at most
    /// every 10 s otherwise.
    private func ingest(room: Room, participant: String, peer: String?, report: [UInt8], rid: String?) {
        let now = nowMs
        do throws(StatsDecodeError) {
            let result = try quality.ingest(visit: room.id, participant: participant, peer: peer, report: report, nowMs: now)
            perform(room.handle(.statsResult(participant: participant, rid: rid, error: nil), nowMs: now), room: room)
            if result.levelChanged { recordQuality(quality.ingestedQuality) }
            publishQuality(visit: room.id, participant: participant, level: result.level,
                           levelChanged: result.levelChanged)
            let key = room.id + "\u{0}" + participant
            let last = lastQualitySentMs[key]
            let periodicDue = result.level != .unknown && (last == nil || now - last! >= 10_000)
            if result.levelChanged || periodicDue {
                lastQualitySentMs[key] = now
                var encoded: [UInt8] = []
                quality.ingestedQuality.encode(into: &encoded)
                let members = encoded.count >= 2 ? Array(encoded[1..<(encoded.count - 1)]) : []
                perform(room.handle(.quality(members: members), nowMs: now), room: room)
            }
        } catch {
            let refusal = RequestError(error.code, "stats report rejected: \(error)", rid: rid, type: "stats")
            perform(room.handle(.statsResult(participant: participant, rid: rid, error: refusal), nowMs: now), room: room)
        }
    }

    /// A report from the HTTP batch ingest: scored like a `stats` message; if the visit is live here, its
    /// participants get `quality` on a level change.
    func ingestExternal(visit: String, participant: String, peer: String?, report: [UInt8]) -> RequestError? {
        let now = nowMs
        do throws(StatsDecodeError) {
            let result = try quality.ingest(visit: visit, participant: participant, peer: peer, report: report, nowMs: now)
            publishQuality(visit: visit, participant: participant, level: result.level,
                           levelChanged: result.levelChanged)
            if result.levelChanged, let room = rooms[visit] {
                var encoded: [UInt8] = []
                quality.ingestedQuality.encode(into: &encoded)
                perform(room.handle(.quality(members: Array(encoded.dropFirst().dropLast())), nowMs: now), room: room)
            }
            return nil
        } catch {
            return RequestError(error.code, "stats report rejected: \(error)")
        }
    }

    /// Sends bytes to a session on whatever loop it lives.
    private func deliver(_ session: SessionID, _ bytes: [UInt8]) {
        if bytes.starts(with: Self.errorPrefix), let code = Self.errorCode(in: bytes) { metrics.error(code) }
        guard let handle = sessions[session] else { return }
        if handle.loop === loop {
            handle.session?.deliver(bytes)
        } else {
            handle.loop.execute { handle.session?.deliver(bytes) }
        }
    }

    private static let errorPrefix = Array(#"{"type":"error""#.utf8)
    private static let codeKey = Array(#""code":""#.utf8)

    /// The `code` of an error message we built (codes never contain quotes or escapes).
    static func errorCode(in bytes: [UInt8]) -> String? {
        guard bytes.count > codeKey.count else { return nil }
        for i in 0...(bytes.count - codeKey.count) where bytes[i] == codeKey[0] && Array(bytes[i..<(i + codeKey.count)]) == codeKey {
            let start = i + codeKey.count
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        return nil
    }

    /// Records a participant's current figures in the quality histograms.
    func recordQuality(_ q: ParticipantQuality) {
        if let mos = q.mos { metrics.mos.record(mos) }
        if let a = q.audio {
            metrics.rttMs.record(a.rttMs)
            metrics.jitterMs.record(a.jitterMs)
            metrics.lossPct.record(a.lossPct)
        }
    }

    private func closeSession(_ session: SessionID, code: UInt16, reason: String) {
        guard let handle = sessions.removeValue(forKey: session) else { return }
        if handle.loop === loop {
            handle.session?.closeFromRoom(code: code, reason: reason)
        } else {
            handle.loop.execute { handle.session?.closeFromRoom(code: code, reason: reason) }
        }
    }
}
