import RelaisCore
import RelaisSignalling
import Testing

struct TokenTests {
    static let now: Int64 = 1_800_000_000
    static let minter = TokenMinter(secret: "s3cret")
    static let verifier = TokenVerifier(keys: TokenKeys(defaultSecret: "s3cret", keysByID: ["k2": "rotated"]))

    static func claims(_ role: ParticipantRole = .patient, exp: Int64 = now + 600) -> TokenClaims {
        TokenClaims(subject: "pat-1", room: "visit-9", role: role, name: "Ada", expiresAt: exp)
    }

    @Test func mintedTokenVerifiesWithItsClaims() throws {
        var c = Self.claims(.guest)
        c.relation = .interpreter
        c.tokenID = "once"
        c.maxDurationSeconds = 1800
        let token = Self.minter.mint(c, issuedAt: Self.now)
        #expect(try Self.verifier.verify(token, nowSeconds: Self.now).get() == c)
    }

    @Test func keyIDSelectsThatKeyAlone() throws {
        let rotated = TokenMinter(secret: "rotated", keyID: "k2").mint(Self.claims(), issuedAt: Self.now)
        #expect(throws: Never.self) { try Self.verifier.verify(rotated, nowSeconds: Self.now).get() }
        // Same kid, wrong secret: fails; unknown kid: fails even if the default secret would match.
        let wrong = TokenMinter(secret: "s3cret", keyID: "k2").mint(Self.claims(), issuedAt: Self.now)
        #expect(Self.verifier.verify(wrong, nowSeconds: Self.now) == .failure(.badSignature))
        let unknown = TokenMinter(secret: "s3cret", keyID: "k9").mint(Self.claims(), issuedAt: Self.now)
        #expect(Self.verifier.verify(unknown, nowSeconds: Self.now) == .failure(.unknownKey))
    }

    @Test func expiryAndNotBeforeHonourTheLeeway() {
        let expired = Self.minter.mint(Self.claims(exp: Self.now - 31), issuedAt: Self.now - 100)
        #expect(Self.verifier.verify(expired, nowSeconds: Self.now) == .failure(.expired))
        let justExpired = Self.minter.mint(Self.claims(exp: Self.now - 10), issuedAt: Self.now - 100)
        #expect((try? Self.verifier.verify(justExpired, nowSeconds: Self.now).get()) != nil)
        var future = Self.claims()
        future.notBefore = Self.now + 120
        #expect(Self.verifier.verify(Self.minter.mint(future, issuedAt: Self.now), nowSeconds: Self.now) == .failure(.notYetValid))
    }

    @Test func algorithmNoneAndTamperedPayloadsAreRefused() {
        let token = Self.minter.mint(Self.claims(), issuedAt: Self.now)
        let parts = token.split(separator: ".").map(String.init)
        let none = Base64.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8), urlSafe: true)
        #expect(Self.verifier.verify(none + "." + parts[1] + ".", nowSeconds: Self.now) == .failure(.unsupportedAlgorithm))
        let forged = Base64.encode(Array(#"{"sub":"pat-1","room":"other","role":"clinician","exp":1900000000}"#.utf8), urlSafe: true)
        #expect(Self.verifier.verify(parts[0] + "." + forged + "." + parts[2], nowSeconds: Self.now) == .failure(.badSignature))
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "!!.??.##", String(repeating: "x", count: 9000)])
    func malformedTokensAreRefused(token: String) {
        guard case .failure(let error) = Self.verifier.verify(token, nowSeconds: Self.now) else { Issue.record("accepted"); return }
        #expect(error.code.hasPrefix("token_"))
    }

    @Test(arguments: [
        #"{"room":"r","role":"patient","exp":1900000000}"#,
        #"{"sub":"a b","room":"r","role":"patient","exp":1900000000}"#,
        #"{"sub":"a","room":"r","role":"admin","exp":1900000000}"#,
        #"{"sub":"a","room":"r","role":"patient"}"#,
        #"{"sub":"a","room":"r","role":"patient","relation":"family","exp":1900000000}"#,
    ])
    func invalidClaimsAreRefused(payload: String) throws {
        let value = try JSONParser.parse(Array(payload.utf8))
        guard case .failure(let error) = TokenVerifier.claimsForTesting(value) else { Issue.record("accepted"); return }
        #expect(error.code == "token_bad_claims")
    }

    @Test func singleUseTokensWorkOnce() {
        let cache = TokenReplayCache()
        #expect(cache.use("j1", expiresAt: Self.now + 60, nowSeconds: Self.now))
        #expect(!cache.use("j1", expiresAt: Self.now + 60, nowSeconds: Self.now + 1))
        #expect(cache.use("j2", expiresAt: Self.now + 60, nowSeconds: Self.now))
    }
}

struct TURNCredentialTests {
    // The vectors of reference/signalling-anchors.md §(c), checked there against Python hmac and openssl.
    @Test(arguments: [
        ("north", "1735412345:alice", "5ewl+WmUEHitaXhvToHQzNAcUrM="),
        ("my_secret", "1700000000:PA_abc123", "SAXYwHhOEVehAr5wAbkkbHG0nmU="),
    ])
    func reproducesTheReferenceVectors(secret: String, username: String, credential: String) {
        #expect(ICEConfiguration.credential(secret: secret, username: username) == credential)
    }

    @Test func serversCarryExpiryColonParticipantAndOutliveTheVisit() {
        var ice = ICEConfiguration()
        ice.stunURLs = ["stun:stun.example:3478"]
        ice.turnURLs = ["turn:turn.example:3478?transport=udp", "turns:turn.example:443?transport=tcp"]
        ice.turnSecrets = ["newest", "older"]
        let servers = ice.servers(participantID: "pat-1", nowSeconds: 1_000, validUntil: 50_000)
        #expect(servers.count == 2)
        #expect(servers[0] == ICEServer(urls: ["stun:stun.example:3478"]))
        #expect(servers[1].username == "50000:pat-1")
        #expect(servers[1].credential == ICEConfiguration.credential(secret: "newest", username: "50000:pat-1"))
        // Default lifetime 6 h when the visit ends sooner.
        #expect(ice.servers(participantID: "p", nowSeconds: 1_000).last?.username == "\(1_000 + 6 * 3600):p")
    }
}
