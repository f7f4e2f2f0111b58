/// A participant's role in a visit.
public enum ParticipantRole: String, Sendable, Equatable, CaseIterable {
    case clinician, patient, guest
}

/// Why a guest is there (display and audit only).
public enum GuestRelation: String, Sendable, Equatable, CaseIterable {
    case interpreter, family, caregiver, colleague
}

/// The verified claims of a join token.
public struct TokenClaims: Sendable, Equatable {
    /// Opaque participant id (never a name or a health-card number: see docs/protocol.md).
    public var subject: String
    public var room: String
    public var role: ParticipantRole
    public var relation: GuestRelation?
    /// Display name: kept in memory for the roster, never logged or stored.
    public var name: String?
    /// Expiry and not-before, seconds since the epoch.
    public var expiresAt: Int64
    public var notBefore: Int64?
    /// Single-use token id.
    public var tokenID: String?
    /// Optional visit policy carried by the token of the first joiner (scheduling systems may also create the
    /// visit ahead of time through the API).
    public var maxDurationSeconds: Int?
    public var consentRequired: Bool?

    public init(subject: String, room: String, role: ParticipantRole, relation: GuestRelation? = nil, name: String? = nil,
                expiresAt: Int64, notBefore: Int64? = nil, tokenID: String? = nil, maxDurationSeconds: Int? = nil,
                consentRequired: Bool? = nil) {
        self.subject = subject
        self.room = room
        self.role = role
        self.relation = relation
        self.name = name
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.tokenID = tokenID
        self.maxDurationSeconds = maxDurationSeconds
        self.consentRequired = consentRequired
    }
}

/// Why a token was refused. `code` is the stable string sent to the client; the connection closes with 4401.
public enum TokenError: Error, Equatable, Sendable {
    case malformed(String)
    case unsupportedAlgorithm
    case unknownKey
    case badSignature
    case expired
    case notYetValid
    case badClaims(String)
    case alreadyUsed

    public var code: String {
        switch self {
        case .malformed: return "token_malformed"
        case .unsupportedAlgorithm: return "token_unsupported_algorithm"
        case .unknownKey: return "token_unknown_key"
        case .badSignature: return "token_bad_signature"
        case .expired: return "token_expired"
        case .notYetValid: return "token_not_yet_valid"
        case .badClaims: return "token_bad_claims"
        case .alreadyUsed: return "token_already_used"
        }
    }

    public var message: String {
        switch self {
        case .malformed(let why): return "token is not a valid JWT: \(why)"
        case .unsupportedAlgorithm: return "only HS256 tokens are accepted"
        case .unknownKey: return "the token's key id is not known"
        case .badSignature: return "token signature does not verify"
        case .expired: return "token has expired"
        case .notYetValid: return "token is not valid yet"
        case .badClaims(let why): return "token claims are invalid: \(why)"
        case .alreadyUsed: return "this single-use token was already used"
        }
    }
}
