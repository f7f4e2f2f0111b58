// RelaisQuality: the quality values the server sends and the API returns.

/// Audio part of a participant's quality (the worst inbound audio stream), DESIGN `quality.audio`.
public struct AudioQuality: Sendable, Equatable {
    public var mos: Double
    /// Smoothed rating factor R (0–100).
    public var r: Double
    public var lossPct: Double
    public var rttMs: Double
    public var jitterMs: Double
    /// Jitter-buffer delay used for Ta (measured, or 2 × jitter).
    public var jitterBufferMs: Double
    /// Too few packets in the window to estimate loss (DTX silence); loss is carried over.
    public var dtx: Bool
}

/// Video part of a participant's quality (the worst inbound video stream), DESIGN `quality.video`.
public struct VideoQuality: Sendable, Equatable {
    public var mos: Double
    public var bitrateKbps: Double
    public var fps: Double
    /// Share of the window spent frozen, percent.
    public var freezePct: Double
    public var lossPct: Double
    public var rttMs: Double?
    public var jitterMs: Double?
}

/// A participant's current quality: the DESIGN.md `quality` message without `type`/`seq`.
///
/// It covers the streams the participant **receives**; how its own media arrives shows in the
/// receivers' scores (DESIGN, protocol details).
public struct ParticipantQuality: Sendable, Equatable {
    public var participant: String
    public var level: QualityLevel
    /// Participant MOS = worst active inbound stream; `nil` before the first score.
    public var mos: Double?
    public var limitedBy: LimitingFactor?
    public var method: String
    public var audio: AudioQuality?
    public var video: VideoQuality?

    public init(participant: String, level: QualityLevel = .unknown, mos: Double? = nil,
                limitedBy: LimitingFactor? = nil, method: String = QualityMethod.name,
                audio: AudioQuality? = nil, video: VideoQuality? = nil)
    {
        self.participant = participant
        self.level = level
        self.mos = mos
        self.limitedBy = limitedBy
        self.method = method
        self.audio = audio
        self.video = video
    }
}
