/// Limits and policies of the signalling protocol (defaults from DESIGN.md "Protocol details").
public struct SignallingConfiguration: Sendable {
    /// Admitted participants per room.
    public var maxParticipants = 6
    /// Lobby members per room.
    public var maxLobby = 20
    /// How long a dropped participant stays `reconnecting`.
    public var resumeGrace: Duration = .seconds(30)
    /// Replay buffer bounds per participant (both apply; the oldest messages go first). DESIGN.md asks for at least
    /// 1,024 messages or 1 MiB; more costs memory for every participant whose client never sends `ack`.
    public var replayMaxMessages = 1024
    public var replayMaxBytes = 1024 * 1024
    /// Consent policy of rooms created by a join (a token may override with `consentRequired`).
    public var consentRequiredByDefault = true
    public var consentVersion = "1"
    /// Time-limit warnings before a visit's end (`ending`), in seconds.
    public var endingWarnings: [Int] = [300, 60]
    /// A room with nobody connected is forgotten after this long.
    public var emptyRoomTimeout: Duration = .seconds(300)
    public var ice = ICEConfiguration()

    public init() {}
}
