import Foundation
import RelaisCore
import RelaisServer
import RelaisSignalling
import RelaisTLS
import RelaisWebSocket
import Testing

/// A protocol-v1 test client over a real WebSocket: JSON in, JSON out, with the seq bookkeeping a real client does.
final class SignalClient {
    let ws: WebSocketClient
    private(set) var lastSeq = 0
    private(set) var resumeToken: String?
    private(set) var closeCode: WebSocketCloseCode??

    init(_ server: TestServer) throws {
        ws = try server.client("/v1/signal")
    }

    init(client: WebSocketClient) {
        ws = client
    }

    func send(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try ws.send(text: String(decoding: data, as: UTF8.self))
    }

    /// Next JSON message (pings answered), or nil when the connection closed (then `closeCode` is set).
    func next(timeout: Duration = .seconds(5)) throws -> [String: Any]? {
        switch try ws.receiveMessage(timeout: timeout) {
        case .text(let bytes):
            let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
            if let seq = object["seq"] as? Int { lastSeq = seq }
            if let resume = object["resume"] as? [String: Any], let token = resume["token"] as? String { resumeToken = token }
            return object
        case .closed(let code, _):
            closeCode = .some(code)
            return nil
        default:
            return try next(timeout: timeout)
        }
    }

    /// Reads until a message of `type` (returning it), failing on close or timeout.
    @discardableResult
    func expect(_ type: String, timeout: Duration = .seconds(5)) throws -> [String: Any] {
        while true {
            guard let message = try next(timeout: timeout) else {
                throw SignalTestError.closedWhileWaiting(type, code: closeCode.flatMap { $0 }?.rawValue)
            }
            if message["type"] as? String == type { return message }
        }
    }

    /// Reads until the connection closes; returns the close code.
    func expectClose(timeout: Duration = .seconds(5)) throws -> UInt16? {
        while try next(timeout: timeout) != nil {}
        return closeCode.flatMap { $0 }?.rawValue
    }

    func join(_ token: String) throws { try send(["type": "join", "token": token]) }
}

enum SignalTestError: Error { case closedWhileWaiting(String, code: UInt16?) }

/// Token minting for tests.
enum Tokens {
    static let secret = "integration-secret"
    static let minter = TokenMinter(secret: secret)

    static func mint(_ sub: String, room: String, _ role: ParticipantRole, ttl: Int64 = 600, nbf: Int64? = nil, jti: String? = nil,
                     maxDuration: Int? = nil, secret: String = secret, kid: String? = nil) -> String {
        let now = Int64(Date().timeIntervalSince1970)
        var claims = TokenClaims(subject: sub, room: room, role: role, name: "Name of \(sub)", expiresAt: now + ttl, notBefore: nbf,
                                 tokenID: jti)
        claims.maxDurationSeconds = maxDuration
        return TokenMinter(secret: secret, keyID: kid).mint(claims, issuedAt: now)
    }
}

extension TestServer {
    /// A server with signalling keys configured.
    static func signalling(tls: Bool = false, configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(tls: tls) { config in
            config.tokenKeys = TokenKeys(defaultSecret: Tokens.secret, keysByID: ["k2": "rotated-secret"])
            configure(&config)
        }
    }
}

/// A clinician and an admitted, consenting patient in `room`.
func admittedVisit(_ server: TestServer, room: String) throws -> (doc: SignalClient, pat: SignalClient) {
    let doc = try SignalClient(server)
    try doc.join(Tokens.mint("doc", room: room, .clinician))
    try doc.expect("joined")
    let pat = try SignalClient(server)
    try pat.join(Tokens.mint("pat", room: room, .patient))
    try pat.expect("lobby")
    try doc.expect("lobby-waiting")
    try pat.send(["type": "consent", "granted": true, "version": "1"])
    try pat.expect("consent")
    try doc.send(["type": "admit", "participant": "pat", "rid": "a"])
    try pat.expect("admitted")
    try doc.expect("ack")
    return (doc, pat)
}
