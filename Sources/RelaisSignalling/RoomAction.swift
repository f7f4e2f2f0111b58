/// What a room asks its driver to do. The room itself never touches a socket, a clock or a file.
public enum RoomAction: Sendable, Equatable {
    /// Write these bytes (one JSON text message) to that connection.
    case send(SessionID, [UInt8])
    /// Close that connection with a WebSocket close code.
    case close(SessionID, code: UInt16, reason: String)
    /// Append to the audit log.
    case audit(AuditEvent)
    /// Call `handle(.timer(timer))` after the delay.
    case schedule(RoomTimer, afterMilliseconds: Int64)
    /// Feed a quality report to the pipeline (the driver owns the quality shard), then answer with
    /// `.statsResult` so the sender gets its ack or error in seq order.
    case qualityReport(participant: String, peer: String?, report: [UInt8], rid: String?)
    /// Forget this participant's quality state.
    case qualityForget(participant: String)
}

/// Deadlines a room keeps.
public enum RoomTimer: Hashable, Sendable {
    /// End of a dropped participant's grace period.
    case grace(participant: String, generation: Int)
    /// A visit time-limit warning, `secondsLeft` before the end.
    case endingWarning(secondsLeft: Int)
    /// The visit's time limit.
    case timeLimit
    /// Check whether the room has been empty long enough to forget it.
    case emptyCheck
}

/// What arrives at a room.
public enum RoomInput: Sendable {
    case join(JoinContext)
    case request(SessionID, ParsedRequest)
    /// The connection closed without `leave` (a drop: resumable).
    case disconnected(SessionID)
    case timer(RoomTimer)
    /// The server is shutting down: everyone gets `ended` with reason `server_shutdown`.
    case shutdown
    /// A message that could not be parsed or is not allowed, from a joined session: answered with `error`.
    case invalid(SessionID, RequestError)
    /// Outcome of a `.qualityReport`: ack (when `rid`) or an error with the decoder's code.
    case statsResult(participant: String, rid: String?, error: RequestError?)
    /// The admin API ends the visit (reason `ended`, 4410).
    case adminEnd
    /// The admin API removes a participant (as a clinician's `remove`).
    case adminRemove(participant: String)
    /// A participant's quality changed: `quality` goes to every admitted participant. `members` are the
    /// encoded fields of the message without braces.
    case quality(members: [UInt8])
}

/// A join (verified token) or a resume attempt.
public struct JoinContext: Sendable {
    public var session: SessionID
    public var claims: TokenClaims?
    public var resume: ResumeRequest?

    public init(session: SessionID, claims: TokenClaims?, resume: ResumeRequest?) {
        self.session = session
        self.claims = claims
        self.resume = resume
    }
}
