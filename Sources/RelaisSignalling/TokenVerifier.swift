import RelaisCore

/// Verifies join tokens: JWT (RFC 7519) with HS256 (RFC 7518 §3.2) only, so `alg: none` and algorithm
/// confusion are impossible by construction.
public struct TokenVerifier: Sendable {
    public let keys: TokenKeys
    /// Clock skew tolerated on `exp` and `nbf`.
    public var leeway: Int64 = 30

    public init(keys: TokenKeys) { self.keys = keys }

    /// Checks signature and time claims and returns the claims. Single use (`jti`) is enforced by the caller
    /// with a `TokenReplayCache`, after every other check passed.
    public func verify(_ token: String, nowSeconds: Int64) -> Result<TokenClaims, TokenError> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 8192, parts.count == 3 else { return .failure(.malformed("expected three parts")) }
        guard let headerBytes = Base64.decode(parts[0]), let payloadBytes = Base64.decode(parts[1]),
              let signature = Base64.decode(parts[2]) else {
            return .failure(.malformed("bad base64url"))
        }
        guard let header = try? JSONParser.parse(headerBytes, maxDepth: 4), header.isObject,
              let payload = try? JSONParser.parse(payloadBytes, maxDepth: 4), payload.isObject else {
            return .failure(.malformed("header or payload is not a JSON object"))
        }
        guard header["alg"]?.stringValue == "HS256" else { return .failure(.unsupportedAlgorithm) }
        let kid = header["kid"]?.stringValue
        guard let secret = keys.secret(forKeyID: kid) else { return .failure(.unknownKey) }
        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        guard Crypto.constantTimeEqual(Crypto.hmacSHA256(key: secret, data: signingInput), signature) else {
            return .failure(.badSignature)
        }
        return Self.claims(from: payload).flatMap { claims in
            if claims.expiresAt + leeway < nowSeconds { return .failure(.expired) }
            if let nbf = claims.notBefore, nbf - leeway > nowSeconds { return .failure(.notYetValid) }
            return .success(claims)
        }
    }

    /// Claim validation alone (tests).
    public static func claimsForTesting(_ payload: JSONValue) -> Result<TokenClaims, TokenError> { claims(from: payload) }

    static func claims(from payload: JSONValue) -> Result<TokenClaims, TokenError> {
        guard let sub = payload["sub"]?.stringValue, Identifier.isValid(sub) else {
            return .failure(.badClaims("sub must be 1-128 characters of [A-Za-z0-9._:@-]"))
        }
        guard let room = payload["room"]?.stringValue, Identifier.isValid(room) else {
            return .failure(.badClaims("room must be 1-128 characters of [A-Za-z0-9._:@-]"))
        }
        guard let roleText = payload["role"]?.stringValue, let role = ParticipantRole(rawValue: roleText) else {
            return .failure(.badClaims("role must be clinician, patient or guest"))
        }
        guard let exp = payload["exp"]?.int64Value else { return .failure(.badClaims("exp is required")) }
        var relation: GuestRelation?
        if let text = payload["relation"]?.stringValue {
            guard role == .guest, let r = GuestRelation(rawValue: text) else {
                return .failure(.badClaims("relation is for guests: interpreter, family, caregiver or colleague"))
            }
            relation = r
        }
        let name = payload["name"]?.stringValue
        if let name, name.count > 100 { return .failure(.badClaims("name longer than 100 characters")) }
        var claims = TokenClaims(subject: sub, room: room, role: role, relation: relation, name: name, expiresAt: exp)
        claims.notBefore = payload["nbf"]?.int64Value
        claims.tokenID = payload["jti"]?.stringValue
        if let jti = claims.tokenID, jti.isEmpty || jti.utf8.count > 128 { return .failure(.badClaims("jti must be 1-128 bytes")) }
        if let seconds = payload["maxDuration"]?.int64Value {
            guard seconds > 0 && seconds <= 86_400 else { return .failure(.badClaims("maxDuration must be 1-86400 seconds")) }
            claims.maxDurationSeconds = Int(seconds)
        }
        claims.consentRequired = payload["consentRequired"]?.boolValue
        return .success(claims)
    }
}

/// Identifiers (participant ids, room ids) are opaque, short and of a safe alphabet, so they can appear in
/// TURN usernames, logs and URLs without escaping and cannot smuggle a name in practice.
public enum Identifier {
    public static func isValid(_ s: String) -> Bool {
        let bytes = s.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":") || c == UInt8(ascii: "@")
        }
    }
}
