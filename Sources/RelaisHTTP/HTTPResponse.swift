/// An HTTP/1.1 response to serialise.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], contentType: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        if let contentType { self.headers.set("Content-Type", contentType) }
    }

    /// A JSON response from already-encoded bytes.
    public static func json(_ body: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, body: body, contentType: "application/json")
    }

    /// Appends the status line, headers (adding `Content-Length` unless the status forbids a body) and body.
    public func serialize(into out: inout [UInt8], includeBody: Bool = true) {
        out.append(contentsOf: "HTTP/1.1 \(status.code) \(status.reason)\r\n".utf8)
        for field in headers.fields {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        let bodyless = status.code == 101 || status.code == 204 || status.code == 304 || (100..<200).contains(status.code)
        if !bodyless && headers.first("Content-Length") == nil {
            out.append(contentsOf: "Content-Length: \(body.count)\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        if includeBody && !bodyless { out.append(contentsOf: body) }
    }

    public var serialized: [UInt8] {
        var out: [UInt8] = []
        serialize(into: &out)
        return out
    }
}
