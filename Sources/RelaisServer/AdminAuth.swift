import RelaisHTTP

/// Bearer-token check for the admin API, in constant time per configured token.
struct AdminAuth: Sendable {
    let tokens: [[UInt8]]

    init(tokens: [String]) { self.tokens = tokens.filter { !$0.isEmpty }.map { Array($0.utf8) } }

    /// Nil when authorised, otherwise the 401 to send. Only the `Authorization` header counts.
    func check(_ request: HTTPRequest) -> HTTPResponse? {
        check(presented: Self.bearer(request))
    }

    /// The live feed's check. Browsers cannot set headers on a WebSocket, so besides the header the token may come
    /// as the `token` query parameter or as a `bearer.<token>` subprotocol offer (next to `relais.feed.v1`, which the
    /// server selects, so the token is never echoed back in the handshake response).
    func checkFeed(_ request: HTTPRequest) -> HTTPResponse? {
        if let header = Self.bearer(request) { return check(presented: header) }
        if let query = request.queryParameters["token"], !query.isEmpty { return check(presented: query) }
        let offered = request.headers.values("Sec-WebSocket-Protocol").first { $0.hasPrefix(Self.subprotocolPrefix) }
        return check(presented: offered.map { String($0.dropFirst(Self.subprotocolPrefix.count)) })
    }

    static let subprotocolPrefix = "bearer."

    private static func bearer(_ request: HTTPRequest) -> String? {
        guard let header = request.headers["Authorization"], header.count > 7, header.prefix(7).caseInsensitiveEquals("Bearer ") else {
            return nil
        }
        return String(header.dropFirst(7))
    }

    private func check(presented: String?) -> HTTPResponse? {
        let challenge = HTTPHeaders([("WWW-Authenticate", "Bearer realm=\"relais\"")])
        guard !tokens.isEmpty else {
            return HTTPError(.unauthorized, code: "admin_api_disabled", message: "set RELAIS_ADMIN_TOKEN to enable the admin API",
                             headers: challenge).response()
        }
        guard let presented else {
            return HTTPError(.unauthorized, code: "unauthorized", message: "a bearer token is required", headers: challenge).response()
        }
        let bytes = Array(presented.utf8)
        var match = false
        for token in tokens where Self.constantTimeEqual(token, bytes) { match = true }
        guard match else {
            return HTTPError(.unauthorized, code: "unauthorized", message: "invalid bearer token", headers: challenge).response()
        }
        return nil
    }

    /// No early exit on the first differing byte (the length is not secret: tokens are long random strings).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
