// RelaisQuality: the pipeline one event-loop thread owns.

/// The quality pipeline of one event-loop thread: decoder, visits, participants, streams.
///
/// **Threading.** Not `Sendable` and not locked: each loop owns one shard and is the only
/// caller. A visit must live on exactly one shard (route stats by visit, as rooms are routed),
/// since its participants' windows are combined into one time series. Reads for other threads
/// go through ``visitSnapshot(_:)`` and ``fleetSnapshot()``, which return `Sendable` copies;
/// fleet snapshots of all shards merge with ``FleetSnapshot/merge(_:)``.
///
/// **Time** is injected: `nowMs` (server time, ms) positions windows; stats `timestamp`s only
/// give the Δt of counter deltas, so client clock offsets don't matter. Nothing here reads a clock.
///
/// **Cost.** After warm-up (first report of each stream), ``ingest(visit:participant:peer:report:nowMs:)``
/// allocates nothing, closing windows included; see Benchmarks/ and docs/quality.md.
public final class QualityShard {
    /// What one report did to its participant. Deliberately not the whole ``ParticipantQuality``
    /// (two strings and two optional sub-structs, copied and retained/released on every report):
    /// callers need the level on every report but the full quality only when they send it, and
    /// then read it from ``ingestedQuality``.
    public struct IngestResult: Sendable {
        /// The participant's level changed with this report (a window closed): send `quality`.
        public var levelChanged: Bool
        /// The participant's level after this report (`ingestedQuality.level`).
        public var level: QualityLevel
    }

    /// A level change found by ``tick(nowMs:)``.
    public struct LevelChange: Sendable {
        public var visit: String
        public var quality: ParticipantQuality
    }

    // Stored properties are `@exclusivity(unchecked)`: one thread, accesses never overlap (see
    // ``ParticipantState`` for why it matters and the rule to keep).
    @exclusivity(unchecked) private var decoder: StatsDecoder
    @exclusivity(unchecked) private var report = StatsReport()
    @exclusivity(unchecked) private var visits: [String: VisitState] = [:]
    @exclusivity(unchecked) private var fleet = QualitySketches()
    /// The last (visit, participant) that reported, and the last peer's hash: a participant
    /// sends report after report, so comparing two short strings replaces two `String`-keyed
    /// dictionary lookups (SipHash) and the FNV hash of the peer. Cleared on removal.
    /// Kept as separate fields, not an optional tuple: `if let` on the tuple copied it, four
    /// retains and four releases per report.
    ///
    /// The two states are unretained references: `visits` owns them, and every path that can
    /// remove one from it (``removeParticipant(visit:participant:)``, ``endVisit(_:nowMs:)``)
    /// clears them first (`forgetRecent`). The report is applied to them as guaranteed
    /// references (`_withUnsafeGuaranteedRef`): as strong optionals, taking them out for the call
    /// cost two `swift_retain_n` and four `swift_release` per report (~130 instructions).
    @exclusivity(unchecked) private var recentVisit = ""
    @exclusivity(unchecked) private var recentParticipant = ""
    @exclusivity(unchecked) private var recentVisitState: Unmanaged<VisitState>?
    @exclusivity(unchecked) private var recentState: Unmanaged<ParticipantState>?
    @exclusivity(unchecked) private var recentPeer = ""
    @exclusivity(unchecked) private var recentPeerHash: UInt64?

    public init(limits: StatsDecoder.Limits = StatsDecoder.Limits()) {
        decoder = StatsDecoder(limits: limits)
    }

    @inline(__always)
    private static func window(_ nowMs: Int64) -> Int64 {
        nowMs >= 0 ? nowMs / QualityMethod.windowMs : (nowMs - QualityMethod.windowMs + 1) / QualityMethod.windowMs
    }

    /// Decodes and applies one `stats` report of `participant` about its peer connection with
    /// `peer` (nil when it holds one). A rejected report changes nothing.
    public func ingest(visit: String, participant: String, peer: String?, report bytes: UnsafeRawBufferPointer,
                       nowMs: Int64) throws(StatsDecodeError) -> IngestResult
    {
        try decoder.decode(bytes, into: &report)
        return apply(visit: visit, participant: participant, peer: peer, nowMs: nowMs)
    }

    /// Convenience for a byte array.
    public func ingest(visit: String, participant: String, peer: String?, report bytes: [UInt8], nowMs: Int64)
        throws(StatsDecodeError) -> IngestResult
    {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(StatsDecodeError) in try decoder.decode(raw, into: &report) }
        }
        try result.get()
        return apply(visit: visit, participant: participant, peer: peer, nowMs: nowMs)
    }

    /// Applies an already decoded report (HTTP batch ingest decodes with its own decoder).
    public func ingest(visit: String, participant: String, peer: String?, decoded: StatsReport, nowMs: Int64)
        -> IngestResult
    {
        report = decoded
        return apply(visit: visit, participant: participant, peer: peer, nowMs: nowMs)
    }

    private func apply(visit visitId: String, participant id: String, peer: String?, nowMs: Int64) -> IngestResult {
        let w = Self.window(nowMs)
        guard let rv = recentVisitState, let rp = recentState, recentParticipant == id, recentVisit == visitId else {
            let (visit, p) = lookUp(visit: visitId, participant: id, window: w)
            (recentVisit, recentParticipant) = (visitId, id)
            (recentVisitState, recentState) = (Unmanaged.passUnretained(visit), Unmanaged.passUnretained(p))
            return apply(to: p, in: visit, peer: peer, window: w)
        }
        return rv._withUnsafeGuaranteedRef { visit in
            rp._withUnsafeGuaranteedRef { p in apply(to: p, in: visit, peer: peer, window: w) }
        }
    }

    @inline(__always)
    private func apply(to p: ParticipantState, in visit: VisitState, peer: String?, window w: Int64) -> IngestResult {
        let changed = advance(p, to: w, in: visit)
        let peerHash = peerHash(peer)
        // `inout`, though not modified: passed as a value, read from this class's property, it
        // was copied (a retain and a release of its stream array per report).
        p.apply(&report, peer: peerHash, visit: visit)
        return IngestResult(levelChanged: changed, level: p.quality.level)
    }

    /// The current quality of the participant the last successful `ingest` applied its report
    /// to (read it right after that `ingest`, when sending `quality`); `unknown` if none since
    /// the last removal.
    public var ingestedQuality: ParticipantQuality {
        recentState?.takeUnretainedValue().quality ?? ParticipantQuality(participant: recentParticipant)
    }

    /// Moves `p` to window `w`; a window it closes goes into the visit's summary and the fleet. True if the
    /// participant's level changed.
    private func advance(_ p: ParticipantState, to w: Int64, in visit: VisitState) -> Bool {
        p.advance(to: w, visit: visit, fleet: &fleet)
    }

    private func forgetRecent() {
        recentVisitState = nil
        recentState = nil
    }

    /// The visit and participant states, created on first use.
    private func lookUp(visit visitId: String, participant id: String, window w: Int64)
        -> (VisitState, ParticipantState)
    {
        let visit: VisitState
        if let v = visits[visitId] {
            visit = v
        } else {
            visit = VisitState(id: visitId, nowWindow: w)
            visits[visitId] = visit
        }
        if let existing = visit.participants[id] { return (visit, existing) }
        let p = ParticipantState(id: id, nowWindow: w)
        visit.participants[id] = p
        return (visit, p)
    }

    /// FNV-1a of the peer's name (0 for none), remembered for the last peer seen.
    private func peerHash(_ peer: String?) -> UInt64 {
        guard let peer else { return 0 }
        if let h = recentPeerHash, recentPeer == peer { return h }
        let h = FNV1a.hash(peer)
        (recentPeer, recentPeerHash) = (peer, h)
        return h
    }

    /// Closes every window that ended by `nowMs` (participants with no report in it included)
    /// and appends the visits' points. Call at least once per window (e.g. every second).
    public func tick(nowMs: Int64) -> [LevelChange] {
        let w = Self.window(nowMs)
        var changes: [LevelChange] = []
        for visit in visits.values {
            for p in visit.participants.values where p.openWindow < w {
                if advance(p, to: w, in: visit) { changes.append(LevelChange(visit: visit.id, quality: p.quality)) }
            }
            visit.flush(before: w)
        }
        return changes
    }

    /// The participant's current quality; level `unknown` before any score or if not known here.
    public func quality(visit: String, participant: String) -> ParticipantQuality {
        visits[visit]?.participants[participant]?.quality ?? ParticipantQuality(participant: participant)
    }

    /// The points of the visit's time series that start after `startMs`, oldest first; empty for
    /// an unknown visit. For whoever persists the series as it grows: unlike
    /// ``visitSnapshot(_:)``, it neither copies the series nor scans it from the start.
    public func seriesPoints(visit: String, after startMs: Int64) -> [QualityPoint] {
        visits[visit]?.points(after: startMs) ?? []
    }

    public func visitSnapshot(_ visit: String) -> VisitQualitySnapshot? {
        visits[visit]?.snapshot(ended: false)
    }

    public var visitIds: [String] { Array(visits.keys) }

    /// This shard's fleet view; merge the snapshots of all shards for the whole node.
    public func fleetSnapshot() -> FleetSnapshot {
        var s = FleetSnapshot()
        s.sketches = fleet
        var briefs: [VisitBrief] = []
        for v in visits.values {
            let c = v.current
            s.visits += 1
            s.visitsPerLevel[c.level.rawValue] += 1
            for p in v.participants.values {
                s.participants += 1
                s.participantsPerLevel[p.quality.level.rawValue] += 1
            }
            briefs.append(VisitBrief(visit: v.id, level: c.level, mos: c.mos, participants: v.participants.count))
        }
        s.worstVisits = FleetSnapshot.worst(briefs)
        return s
    }

    /// Forgets a participant (left, removed); its past windows stay in the visit summary.
    public func removeParticipant(visit: String, participant: String) {
        forgetRecent()
        visits[visit]?.participants[participant] = nil
    }

    /// Ends a visit: closes its open windows at `nowMs`, returns its final snapshot and frees it.
    @discardableResult
    public func endVisit(_ visit: String, nowMs: Int64) -> VisitQualitySnapshot? {
        guard let v = visits[visit] else { return nil }
        forgetRecent()
        let w = Self.window(nowMs) + 1
        for p in v.participants.values {
            _ = advance(p, to: max(w, p.openWindow + 1), in: v)
        }
        v.flush(before: Int64.max)
        visits[visit] = nil
        return v.snapshot(ended: true)
    }
}
