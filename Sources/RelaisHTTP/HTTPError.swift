import RelaisCore

/// An error answered with an HTTP status and a JSON body carrying a stable machine-readable `code`.
///
/// Body shape (documented in docs/http.md): `{"code":"header_too_large","message":"…","status":431}`.
/// The `code` strings are a contract for API clients; messages are for people and may change.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPStatus
    public let code: String
    public let message: String
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, code: String, message: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body.
    public var body: [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("code", code)
        json.field("message", message)
        json.field("status", status.code)
        json.endObject()
        return json.bytes
    }

    /// The full response (with `Connection: close` when `close`).
    public func response(close: Bool = false) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers, body: body, contentType: "application/json")
        if close { response.headers.set("Connection", "close") }
        return response
    }

    public static func notFound(_ path: String) -> HTTPError {
        HTTPError(.notFound, code: "not_found", message: "no resource at this path")
    }

    public static func methodNotAllowed(_ allowed: [String]) -> HTTPError {
        HTTPError(.methodNotAllowed, code: "method_not_allowed", message: "allowed: \(allowed.joined(separator: ", "))",
                  headers: HTTPHeaders([("Allow", allowed.joined(separator: ", "))]))
    }
}
