import ArgumentParser
import RelaisSignalling

#if canImport(Glibc)
import Glibc
#endif

/// `relais token`: mints a join token for tests and integrations.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mint an HS256 join token.")

    @Option(help: "Visit (room) id.") var room: String
    @Option(help: "clinician, patient or guest.") var role: String
    @Option(help: "Opaque participant id (default: random).") var sub: String?
    @Option(help: "Lifetime in seconds.") var ttl: Int = 3600
    @Option(help: "Display name (kept in memory for the roster only).") var name: String?
    @Option(help: "Guest relation: interpreter, family, caregiver, colleague.") var relation: String?
    @Option(help: "Single-use token id.") var jti: String?
    @Option(help: "Key id (the secret comes from RELAIS_TOKEN_KEYS).") var kid: String?
    @Option(name: .customLong("max-duration"), help: "Visit time limit in seconds (applies when this token creates the visit).")
    var maxDuration: Int?
    @Option(name: .customLong("data-dir"), help: "Where the development secret lives. Env: RELAIS_DATA_DIR") var dataDir: String?

    func run() throws {
        guard let role = ParticipantRole(rawValue: role) else { throw ValidationError("role must be clinician, patient or guest") }
        let env = Environment()
        var secret: String?
        if let kid { secret = env["RELAIS_TOKEN_KEYS"].map(TokenKeys.parseKeyList)?[kid] } else { secret = env["RELAIS_TOKEN_SECRET"] }
        if secret == nil, kid == nil {
            secret = DevelopmentSecret.read((dataDir ?? env["RELAIS_DATA_DIR"] ?? ".relais-data") + "/token-secret")
        }
        guard let secret else { throw ValidationError("no secret: set RELAIS_TOKEN_SECRET (or RELAIS_TOKEN_KEYS with --kid), or run serve once for a dev secret") }
        let subject = sub ?? "p-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let now = Int64(time(nil))
        var claims = TokenClaims(subject: subject, room: room, role: role, relation: relation.flatMap(GuestRelation.init(rawValue:)),
                                 name: name, expiresAt: now + Int64(ttl), tokenID: jti)
        claims.maxDurationSeconds = maxDuration
        print(TokenMinter(secret: secret, keyID: kid).mint(claims, issuedAt: now))
    }
}
