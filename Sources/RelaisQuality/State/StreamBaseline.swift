// RelaisQuality: what a stream keeps of its last accepted report, for the next deltas.

/// The counters of a stream's last accepted report that the next report's deltas and counter
/// guards read, and nothing else: 12 values, the presence bits and the codec identity.
///
/// Why not the whole ``StreamStats``: storing it as the new baseline was a 288-byte `memcpy`
/// call on every report of every stream (~64 instructions each, 128 per compact report); these
/// 15 fields are copied inline. Reads go through ``subscript(_:)`` with a constant metric, which
/// folds to one field and one presence bit. A metric not kept here reads as absent: add a
/// field, its copy in `init(_:)`, its bit in `keptMask` and its case before reading it.
struct StreamBaseline {
    /// Presence bits of the report (``StreamStats``' layout: bit `metric.rawValue`), kept ones only.
    private var present: UInt64 = 0
    var codecIdentity: UInt64 = 0
    /// The report's direction: ``packets`` and ``bytes`` follow it, as ``StreamStats``' do.
    private var direction = StreamDirection.inbound
    private var timestamp = 0.0
    private var packetsReceived = 0.0
    private var packetsLost = 0.0
    private var bytesReceived = 0.0
    private var packetsSent = 0.0
    private var bytesSent = 0.0
    private var jitterBufferDelay = 0.0
    private var jitterBufferEmittedCount = 0.0
    private var framesDecoded = 0.0
    private var totalFreezesDuration = 0.0
    private var totalRoundTripTime = 0.0
    private var roundTripTimeMeasurements = 0.0

    /// Presence bits of the metrics kept. Computed (folded to a constant where inlined), not a
    /// `static let`, whose lazy initialisation is checked on every access.
    private static var keptMask: UInt64 {
        @inline(__always) get {
            var mask: UInt64 = bit(.timestamp) | bit(.packetsReceived) | bit(.packetsLost) | bit(.bytesReceived)
            mask |= bit(.packetsSent) | bit(.bytesSent) | bit(.jitterBufferDelay) | bit(.jitterBufferEmittedCount)
            mask |= bit(.framesDecoded) | bit(.totalFreezesDuration) | bit(.totalRoundTripTime)
            return mask | bit(.roundTripTimeMeasurements)
        }
    }

    @inline(__always)
    private static func bit(_ m: StatsMetric) -> UInt64 { 1 << UInt64(m.rawValue) }

    init() {}

    /// The kept part of `s`. Values are copied whether present or not (no branch per field);
    /// presence is the report's bits, masked.
    @inline(__always)
    init(_ s: UnsafePointer<StreamStats>) {
        present = s.pointee.present & Self.keptMask
        codecIdentity = s.pointee.codecIdentity
        direction = s.pointee.direction
        timestamp = s.pointee.values[StatsMetric.timestamp.rawValue]
        packetsReceived = s.pointee.values[StatsMetric.packetsReceived.rawValue]
        packetsLost = s.pointee.values[StatsMetric.packetsLost.rawValue]
        bytesReceived = s.pointee.values[StatsMetric.bytesReceived.rawValue]
        packetsSent = s.pointee.values[StatsMetric.packetsSent.rawValue]
        bytesSent = s.pointee.values[StatsMetric.bytesSent.rawValue]
        jitterBufferDelay = s.pointee.values[StatsMetric.jitterBufferDelay.rawValue]
        jitterBufferEmittedCount = s.pointee.values[StatsMetric.jitterBufferEmittedCount.rawValue]
        framesDecoded = s.pointee.values[StatsMetric.framesDecoded.rawValue]
        totalFreezesDuration = s.pointee.values[StatsMetric.totalFreezesDuration.rawValue]
        totalRoundTripTime = s.pointee.values[StatsMetric.totalRoundTripTime.rawValue]
        roundTripTimeMeasurements = s.pointee.values[StatsMetric.roundTripTimeMeasurements.rawValue]
    }

    /// The kept field's value if the report carried it; `nil` for a metric not kept.
    subscript(_ metric: StatsMetric) -> Double? {
        @inline(__always)
        get {
            guard present & (1 << UInt64(metric.rawValue)) != 0 else { return nil }
            switch metric {
            case .timestamp: return timestamp
            case .packetsReceived: return packetsReceived
            case .packetsLost: return packetsLost
            case .bytesReceived: return bytesReceived
            case .packetsSent: return packetsSent
            case .bytesSent: return bytesSent
            case .jitterBufferDelay: return jitterBufferDelay
            case .jitterBufferEmittedCount: return jitterBufferEmittedCount
            case .framesDecoded: return framesDecoded
            case .totalFreezesDuration: return totalFreezesDuration
            case .totalRoundTripTime: return totalRoundTripTime
            case .roundTripTimeMeasurements: return roundTripTimeMeasurements
            default: return nil
            }
        }
    }

    /// Packets received (inbound) or sent (outbound), as ``StreamStats/packets``.
    var packets: Double? {
        @inline(__always) get { direction == .inbound ? self[.packetsReceived] : self[.packetsSent] }
    }

    /// Bytes received (inbound) or sent (outbound), as ``StreamStats/bytes``.
    var bytes: Double? {
        @inline(__always) get { direction == .inbound ? self[.bytesReceived] : self[.bytesSent] }
    }
}
