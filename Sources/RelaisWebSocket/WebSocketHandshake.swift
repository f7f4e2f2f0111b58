internal import CRelaisOpenSSL
import RelaisCore
import RelaisHTTP

/// RFC 6455 §4 opening handshake, both sides. Pure: requests and responses in, decisions out.
public enum WebSocketHandshake {
    /// The GUID every server appends to the client's key (§1.3).
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `base64(SHA-1(key + GUID))`, the value of `Sec-WebSocket-Accept`.
    public static func acceptValue(forKey key: String) -> String {
        let input = Array((key + guid).utf8)
        var digest = [UInt8](repeating: 0, count: 20)
        _ = SHA1(input, input.count, &digest)
        return Base64.encode(digest)
    }

    /// What the server is willing to speak.
    public struct ServerOptions: Sendable {
        /// Subprotocols the server supports; the first one in the client's list that is here is chosen.
        public var subprotocols: [String] = []
        /// Whether to accept a permessage-deflate offer.
        public var permessageDeflate = true
        /// Ask clients' compressors to be reset per message? (never required; see docs/websocket.md)
        public var serverNoContextTakeover = false
        /// Decides whether a browser `Origin` may connect (nil header = non-browser client). Nil allows all.
        public var originPolicy: (@Sendable (String?) -> Bool)?

        public init() {}
    }

    /// The server's decision on an upgrade request.
    public struct Accepted: Sendable {
        public var response: HTTPResponse
        public var subprotocol: String?
        public var deflate: PerMessageDeflateConfiguration?
    }

    /// Validates an upgrade request and builds the 101 response, or the HTTP error to answer with.
    public static func accept(_ request: HTTPRequest, options: ServerOptions) -> Result<Accepted, HTTPError> {
        let versionHeader = HTTPHeaders([("Sec-WebSocket-Version", "13"), ("Upgrade", "websocket"), ("Connection", "Upgrade")])
        guard request.headers.containsToken("Upgrade", "websocket") else {
            return .failure(HTTPError(.upgradeRequired, code: "websocket_upgrade_required",
                                      message: "this endpoint speaks WebSocket only", headers: versionHeader))
        }
        guard request.method == "GET" else {
            return .failure(HTTPError(.methodNotAllowed, code: "method_not_allowed", message: "WebSocket upgrades use GET",
                                      headers: HTTPHeaders([("Allow", "GET")])))
        }
        guard request.minorVersion == 1 else {
            return .failure(HTTPError(.badRequest, code: "websocket_needs_http11", message: "WebSocket needs HTTP/1.1"))
        }
        guard request.headers.containsToken("Connection", "upgrade") else {
            return .failure(HTTPError(.badRequest, code: "bad_websocket_upgrade", message: "Connection header must contain Upgrade"))
        }
        guard request.headers.values("Sec-WebSocket-Version") == ["13"] else {
            return .failure(HTTPError(.upgradeRequired, code: "unsupported_websocket_version",
                                      message: "only WebSocket version 13 is supported", headers: versionHeader))
        }
        guard request.headers.count(of: "Sec-WebSocket-Key") == 1, let key = request.headers["Sec-WebSocket-Key"],
              let decoded = Base64.decode(key), decoded.count == 16 else {
            return .failure(HTTPError(.badRequest, code: "bad_websocket_key", message: "Sec-WebSocket-Key must be 16 bytes in base64"))
        }
        if let policy = options.originPolicy, !policy(request.headers["Origin"]) {
            return .failure(HTTPError(.forbidden, code: "origin_not_allowed", message: "this Origin may not connect"))
        }
        var headers = HTTPHeaders([("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", acceptValue(forKey: key))])
        let offered = request.headers.values("Sec-WebSocket-Protocol")
        let subprotocol = offered.first { options.subprotocols.contains($0) }
        if let subprotocol { headers.add("Sec-WebSocket-Protocol", subprotocol) }
        var deflate: PerMessageDeflateConfiguration?
        if options.permessageDeflate {
            let extensionHeaders = request.headers.fields.filter { $0.name.caseInsensitiveEquals("Sec-WebSocket-Extensions") }.map(\.value)
            deflate = PerMessageDeflateConfiguration.negotiate(offers: extensionHeaders, serverNoContextTakeover: options.serverNoContextTakeover)
            if let deflate { headers.add("Sec-WebSocket-Extensions", deflate.responseHeaderValue) }
        }
        return .success(Accepted(response: HTTPResponse(status: .switchingProtocols, headers: headers),
                                 subprotocol: subprotocol, deflate: deflate))
    }
}

/// The client's side of the opening handshake.
public struct WebSocketClientHandshake: Sendable {
    public let key: String
    public var subprotocols: [String]
    public var offerDeflate: Bool

    public init(subprotocols: [String] = [], offerDeflate: Bool = false, keyBytes: [UInt8]) {
        precondition(keyBytes.count == 16)
        key = Base64.encode(keyBytes)
        self.subprotocols = subprotocols
        self.offerDeflate = offerDeflate
    }

    /// The upgrade request bytes.
    public func requestBytes(host: String, path: String, extraHeaders: [(String, String)] = []) -> [UInt8] {
        var text = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        text += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        if !subprotocols.isEmpty { text += "Sec-WebSocket-Protocol: \(subprotocols.joined(separator: ", "))\r\n" }
        if offerDeflate { text += "Sec-WebSocket-Extensions: \(PerMessageDeflateConfiguration.clientOffer)\r\n" }
        for (name, value) in extraHeaders { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    public struct Outcome: Sendable, Equatable {
        public var subprotocol: String?
        public var deflate: PerMessageDeflateConfiguration?
    }

    /// Checks the server's answer (§4.1, steps 1–6 of the client's validation).
    public func validate(_ head: HTTPResponseHead) -> Result<Outcome, WebSocketClientError> {
        guard head.statusCode == 101 else { return .failure(.unexpectedStatus(head.statusCode)) }
        guard head.headers.containsToken("Upgrade", "websocket"), head.headers.containsToken("Connection", "upgrade") else {
            return .failure(.badHandshake("missing Upgrade/Connection"))
        }
        guard head.headers["Sec-WebSocket-Accept"] == WebSocketHandshake.acceptValue(forKey: key) else {
            return .failure(.badHandshake("wrong Sec-WebSocket-Accept"))
        }
        let chosen = head.headers["Sec-WebSocket-Protocol"]
        if let chosen, !subprotocols.contains(chosen) { return .failure(.badHandshake("server chose an unoffered subprotocol")) }
        var deflate: PerMessageDeflateConfiguration?
        if let ext = head.headers["Sec-WebSocket-Extensions"] {
            guard offerDeflate, let config = PerMessageDeflateConfiguration.acceptResponse(ext) else {
                return .failure(.badHandshake("server chose an unoffered extension"))
            }
            deflate = config
        }
        return .success(Outcome(subprotocol: chosen, deflate: deflate))
    }
}

/// Why a client connection failed.
public enum WebSocketClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case connectFailed(String)
    case tls(String)
    case unexpectedStatus(Int)
    case badHandshake(String)
    case timeout
    case closed(code: UInt16?, reason: String)
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .connectFailed(let m): return "connect failed: \(m)"
        case .tls(let m): return "TLS: \(m)"
        case .unexpectedStatus(let s): return "handshake answered with HTTP \(s)"
        case .badHandshake(let m): return "bad handshake: \(m)"
        case .timeout: return "timed out"
        case .closed(let c, let r): return "closed (\(c.map(String.init) ?? "no code")) \(r)"
        case .protocolViolation(let m): return "protocol violation: \(m)"
        }
    }
}
