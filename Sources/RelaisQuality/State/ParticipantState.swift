// RelaisQuality: one participant's streams, window and level.

/// One participant of one visit: its streams (keyed by peer + stats id), the open window, the
/// level tracker and the current ``ParticipantQuality``. Owned by one ``VisitState``, on one shard.
///
/// **Exclusivity.** The mutable properties are `@exclusivity(unchecked)`: a class's stored
/// property is otherwise checked at run time on every access (`swift_beginAccess`, ~80
/// instructions with its thread-local lookup); with those of ``VisitState`` and ``QualityShard``
/// that was ~1 100 instructions per compact report, a tenth of decode + update. It is safe here because a shard, and everything it owns, is
/// used by one thread, and no access to these properties overlaps another: the update code
/// takes no closures and makes no callbacks while it modifies one (arrays are moved out into a
/// local for loops over them). Keep it that way when changing this code.
final class ParticipantState {
    let idHash: UInt64
    /// Streams in first-seen order and their keys (`streamKey`), side by side: a participant
    /// has a handful, so a linear scan of the keys beats hashing a `Dictionary` key (SipHash).
    @exclusivity(unchecked) var streams: [StreamState] = []
    @exclusivity(unchecked) var streamKeys: [UInt64] = []
    /// Index (nowMs / windowMs) of the window being accumulated.
    @exclusivity(unchecked) var openWindow: Int64
    @exclusivity(unchecked) var reportsInWindow = 0
    @exclusivity(unchecked) var windowsWithoutReport = 0
    @exclusivity(unchecked) var failedInWindow = false
    /// Whether transport bytes grew in the window (`nil`: the reports carry no transport bytes).
    @exclusivity(unchecked) var transportGrew: Bool?
    @exclusivity(unchecked) var lastTransportBytes = PeerValues()
    /// Latest report-level RTT (seconds) per peer, for streams without RTCP RTT of their own.
    @exclusivity(unchecked) var fallbackRtt = PeerValues()
    @exclusivity(unchecked) var level = LevelTracker()
    @exclusivity(unchecked) var quality: ParticipantQuality
    @exclusivity(unchecked) var hasScored = false

    init(id: String, nowWindow: Int64) {
        self.idHash = FNV1a.hash(id)
        self.openWindow = nowWindow
        self.quality = ParticipantQuality(participant: id)
        streams.reserveCapacity(4)
        streamKeys.reserveCapacity(4)
    }

    /// Stream key: the same stats id on two peer connections is two streams.
    @inline(__always)
    static func streamKey(peer: UInt64, id: UInt64) -> UInt64 { (peer &* 0x9E37_79B9_7F4A_7C15) ^ id }

    /// Key of a (sender, receiver) pair, for the sender's expected video size.
    @inline(__always)
    static func pairKey(sender: UInt64, receiver: UInt64) -> UInt64 { (sender &* 0xC2B2_AE3D_27D4_EB4F) ^ receiver }

    /// Feeds one decoded report (the window was already advanced by the caller). `report` is
    /// `inout` only to be borrowed in place (see `QualityShard`); it is not modified.
    func apply(_ report: inout StatsReport, peer: UInt64, visit: VisitState) {
        reportsInWindow += 1
        if report.connectionFailed { failedInWindow = true }
        if let bytes = report.transportBytesReceived {
            if let prev = lastTransportBytes[peer] {
                transportGrew = (transportGrew ?? false) || bytes > prev
            }
            lastTransportBytes[peer] = bytes
        }
        // The report's streams are read in place (by pointer): see `StreamState.update(at:fallbackRttSeconds:)`.
        report.streams.withUnsafeBufferPointer { reported in
            // Report-level RTT: the RTCP round trip of what this participant sends on the same peer
            // connection (end to end, same path in P2P), else the ICE round trip.
            var rttSum = 0.0
            var rttCount = 0.0
            for j in reported.indices where reported[j].direction == .outbound {
                if let r = reported[j][.roundTripTime] {
                    rttSum += r
                    rttCount += 1
                }
            }
            let reportRtt = rttCount > 0 ? rttSum / rttCount : report.transportRoundTripTime
            if let reportRtt { fallbackRtt[peer] = reportRtt }
            let fallback = reportRtt ?? fallbackRtt[peer]  // what was just stored, without a second scan
            // Our stream is updated in place through a buffer pointer, one short access to
            // `self.streams` (nothing else touches it meanwhile): moving the array out to a local
            // and back for the loop cost a retain and two releases per report.
            for j in reported.indices {
                let s = reported.baseAddress! + j
                let key = Self.streamKey(peer: peer, id: s.pointee.idHash)
                if let i = streamKeys.firstIndex(of: key) {
                    _ = streams.withUnsafeMutableBufferPointer { $0[i].update(at: s, fallbackRttSeconds: fallback) }
                } else {
                    var state = StreamState(kind: s.pointee.kind, direction: s.pointee.direction, peer: peer,
                                            expectationKey: Self.pairKey(sender: peer, receiver: idHash))
                    _ = state.update(at: s, fallbackRttSeconds: fallback)
                    streams.append(state)
                    streamKeys.append(key)
                }
                if s.pointee.direction == .outbound, s.pointee.kind == .video,
                    let w = s.pointee[.expectedWidth], let h = s.pointee[.expectedHeight], w > 0, h > 0
                {
                    visit.expectations[Self.pairKey(sender: idHash, receiver: peer)] =
                        StreamState.VideoExpectation(width: w, height: h, fps: s.pointee[.expectedFps])
                }
            }
        }
    }
}

/// A few values keyed by peer hash (a participant has one peer connection per other
/// participant): a linear scan of a small array instead of a hashed `Dictionary`.
struct PeerValues {
    private var peers: [UInt64] = []
    private var values: [Double] = []

    subscript(peer: UInt64) -> Double? {
        @inline(__always)
        get {
            guard let i = peers.firstIndex(of: peer) else { return nil }
            return values[i]
        }
        @inline(__always)
        set {
            if let i = peers.firstIndex(of: peer) {
                if let newValue { values[i] = newValue } else { peers.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                peers.append(peer)
                values.append(newValue)
            }
        }
    }
}
