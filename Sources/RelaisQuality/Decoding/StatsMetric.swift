// RelaisQuality: the numeric stats fields Relais reads, named and scaled as W3C webrtc-stats defines them.

/// A numeric field of a stream's stats, with its W3C name and unit.
///
/// Units are the W3C ones on the wire (`jitter` and round-trip times in **seconds**, `timestamp`
/// in milliseconds); conversions to the milliseconds the scores use happen in one place, the
/// window scoring. The raw value is the storage slot in ``StreamStats``.
public enum StatsMetric: Int, CaseIterable, Sendable {
    case timestamp
    case packetsReceived
    /// Signed: "can be negative if more packets are received than sent" (W3C).
    case packetsLost
    case packetsDiscarded
    case bytesReceived
    case packetsSent
    case bytesSent
    /// Seconds (RFC 3550 interarrival jitter).
    case jitter
    /// Seconds, cumulative; divide its delta by the delta of `jitterBufferEmittedCount`.
    case jitterBufferDelay
    case jitterBufferEmittedCount
    case concealedSamples
    case totalSamplesReceived
    case framesDecoded
    case framesDropped
    case freezeCount
    /// Seconds, cumulative.
    case totalFreezesDuration
    case frameWidth
    case frameHeight
    case framesPerSecond
    /// Seconds (latest RTCP measurement).
    case roundTripTime
    /// Seconds, cumulative; divide its delta by the delta of `roundTripTimeMeasurements`.
    case totalRoundTripTime
    case roundTripTimeMeasurements
    /// 0…1 (libwebrtc), as seen by the far end.
    case fractionLost
    /// Seconds, candidate-pair ICE round trip.
    case currentRoundTripTime
    /// Bits per second.
    case targetBitrate
    /// media-source width/height: what the camera produces (the expected size for receivers).
    case width
    case height
    /// Relais compact schema: the size and frame rate the sender intends (for the video score).
    case expectedWidth
    case expectedHeight
    case expectedFps
    /// Relais compact schema version.
    case version

    /// Number of storage slots ``StreamStats`` needs.
    static let slotCount = 32

    /// Whether a negative value is malformed. Only `packetsLost` is signed in W3C stats.
    var mustBeNonNegative: Bool { self != .packetsLost }

    /// The field name on the wire.
    public var name: StaticString {
        switch self {
        case .timestamp: "timestamp"
        case .packetsReceived: "packetsReceived"
        case .packetsLost: "packetsLost"
        case .packetsDiscarded: "packetsDiscarded"
        case .bytesReceived: "bytesReceived"
        case .packetsSent: "packetsSent"
        case .bytesSent: "bytesSent"
        case .jitter: "jitter"
        case .jitterBufferDelay: "jitterBufferDelay"
        case .jitterBufferEmittedCount: "jitterBufferEmittedCount"
        case .concealedSamples: "concealedSamples"
        case .totalSamplesReceived: "totalSamplesReceived"
        case .framesDecoded: "framesDecoded"
        case .framesDropped: "framesDropped"
        case .freezeCount: "freezeCount"
        case .totalFreezesDuration: "totalFreezesDuration"
        case .frameWidth: "frameWidth"
        case .frameHeight: "frameHeight"
        case .framesPerSecond: "framesPerSecond"
        case .roundTripTime: "roundTripTime"
        case .totalRoundTripTime: "totalRoundTripTime"
        case .roundTripTimeMeasurements: "roundTripTimeMeasurements"
        case .fractionLost: "fractionLost"
        case .currentRoundTripTime: "currentRoundTripTime"
        case .targetBitrate: "targetBitrate"
        case .width: "width"
        case .height: "height"
        case .expectedWidth: "expectedWidth"
        case .expectedHeight: "expectedHeight"
        case .expectedFps: "expectedFps"
        case .version: "v"
        }
    }
}
