import RelaisHTTP

/// Bearer-token check for the admin API, in constant time per configured token.
struct AdminAuth: Sendable {
    let tokens: [[UInt8]]

    init(tokens: [String]) { self.tokens = tokens.filter { !$0.isEmpty }.map { Array($0.utf8) } }

    /// Nil when authorised, otherwise the 401 to send.
    func check(_ request: HTTPRequest) -> HTTPResponse? {
        let challenge = HTTPHeaders([("WWW-Authenticate", "Bearer realm=\"relais\"")])
        guard !tokens.isEmpty else {
            return HTTPError(.unauthorized, code: "admin_api_disabled", message: "set RELAIS_ADMIN_TOKEN to enable the admin API",
                             headers: challenge).response()
        }
        guard let header = request.headers["Authorization"], header.count > 7,
              header.prefix(7).caseInsensitiveEquals("Bearer ") else {
            return HTTPError(.unauthorized, code: "unauthorized", message: "a bearer token is required", headers: challenge).response()
        }
        let presented = Array(header.dropFirst(7).utf8)
        var match = false
        for token in tokens where Self.constantTimeEqual(token, presented) { match = true }
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
