import RelaisCore

/// ICE servers as clients receive them (an `RTCIceServer` dictionary).
public struct ICEServer: Sendable, Equatable {
    public var urls: [String]
    public var username: String?
    public var credential: String?

    public init(urls: [String], username: String? = nil, credential: String? = nil) {
        self.urls = urls
        self.username = username
        self.credential = credential
    }
}

/// STUN/TURN configuration and coturn's TURN REST credentials (`use-auth-secret`):
/// `username = "<expiry>:<participant id>"`, `credential = base64(HMAC-SHA1(secret, username))`.
/// coturn accepts a credential while `expiry` is in the future, and an allocation outlives it.
public struct ICEConfiguration: Sendable {
    public var stunURLs: [String] = []
    public var turnURLs: [String] = []
    /// Shared secrets, newest first: credentials are minted with the first; coturn can hold all for rotation.
    public var turnSecrets: [String] = []
    /// Credential lifetime: at least the visit's scheduled end plus the resume grace period (default 6 h).
    public var credentialLifetimeSeconds: Int64 = 6 * 3600
    /// Patients whose home address must not reach the other party get relay-only guidance.
    public var relayOnlyForPatients = false

    public init() {}

    public static func credential(secret: String, username: String) -> String {
        Base64.encode(Crypto.hmacSHA1(key: Array(secret.utf8), data: Array(username.utf8)))
    }

    /// The `iceServers` list for a participant, with TURN credentials valid until `nowSeconds + lifetime`
    /// (or later, when the visit ends later).
    public func servers(participantID: String, nowSeconds: Int64, validUntil: Int64? = nil) -> [ICEServer] {
        var servers: [ICEServer] = []
        if !stunURLs.isEmpty { servers.append(ICEServer(urls: stunURLs)) }
        if !turnURLs.isEmpty, let secret = turnSecrets.first {
            let expiry = max(nowSeconds + credentialLifetimeSeconds, validUntil ?? 0)
            let username = "\(expiry):\(participantID)"
            servers.append(ICEServer(urls: turnURLs, username: username, credential: Self.credential(secret: secret, username: username)))
        }
        return servers
    }
}
