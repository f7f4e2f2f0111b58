import RelaisCore

/// Signs HS256 join tokens (`relais token`, tests, and the visit-creation API).
public struct TokenMinter: Sendable {
    public let secret: [UInt8]
    public let keyID: String?

    public init(secret: String, keyID: String? = nil) {
        self.secret = Array(secret.utf8)
        self.keyID = keyID
    }

    public func mint(_ claims: TokenClaims, issuedAt: Int64) -> String {
        var header = JSONWriter()
        header.beginObject()
        header.field("alg", "HS256")
        header.field("typ", "JWT")
        if let keyID { header.field("kid", keyID) }
        header.endObject()
        var payload = JSONWriter()
        payload.beginObject()
        payload.field("sub", claims.subject)
        payload.field("room", claims.room)
        payload.field("role", claims.role.rawValue)
        if let relation = claims.relation { payload.field("relation", relation.rawValue) }
        if let name = claims.name { payload.field("name", name) }
        payload.field("iat", issuedAt)
        payload.field("exp", claims.expiresAt)
        if let nbf = claims.notBefore { payload.field("nbf", nbf) }
        if let jti = claims.tokenID { payload.field("jti", jti) }
        if let max = claims.maxDurationSeconds { payload.field("maxDuration", max) }
        if let consent = claims.consentRequired { payload.field("consentRequired", consent) }
        payload.endObject()
        let signingInput = Base64.encode(header.bytes, urlSafe: true) + "." + Base64.encode(payload.bytes, urlSafe: true)
        let signature = Crypto.hmacSHA256(key: secret, data: Array(signingInput.utf8))
        return signingInput + "." + Base64.encode(signature, urlSafe: true)
    }
}
