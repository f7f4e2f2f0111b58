extension HTTPRequestParser {
    /// Parses the request line and header fields (without the final blank line) and validates framing.
    func parseHead(_ head: [UInt8]) -> Swift.Result<(HTTPRequest, Int), HTTPError> {
        var lines = head.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 0x0D ? line.dropLast() : line
        }
        // RFC 9112 §2.2: a server should ignore at least one empty line before the request line.
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let requestLine = lines.first else { return .failure(bad("empty_request", "no request line")) }

        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(bad("bad_request_line", "request line must be METHOD SP TARGET SP VERSION"))
        }
        guard parts[0].allSatisfy(isTokenCharacter) else { return .failure(bad("bad_method", "invalid method")) }
        guard parts[1].count <= limits.maxTargetBytes else {
            return .failure(HTTPError(.uriTooLong, code: "uri_too_long", message: "request target exceeds \(limits.maxTargetBytes) bytes"))
        }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(bad("bad_target", "request target contains invalid characters"))
        }
        let minor: Int
        switch String(decoding: parts[2], as: UTF8.self) {
        case "HTTP/1.1": minor = 1
        case "HTTP/1.0": minor = 0
        case let v where v.hasPrefix("HTTP/") && v.count == 8:
            return .failure(HTTPError(.httpVersionNotSupported, code: "http_version_not_supported", message: "only HTTP/1.0 and HTTP/1.1"))
        default:
            return .failure(bad("bad_version", "malformed HTTP version"))
        }
        var target = String(decoding: parts[1], as: UTF8.self)
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            // Absolute form (RFC 9112 §3.2.2): keep the path and query.
            let afterScheme = target.drop { $0 != "/" }.dropFirst(2)
            target = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        }
        guard target.hasPrefix("/") || target == "*" else { return .failure(bad("bad_target", "request target must be a path")) }

        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard headers.fields.count < limits.maxHeaderCount else {
                return .failure(HTTPError(.requestHeaderFieldsTooLarge, code: "too_many_headers",
                                          message: "more than \(limits.maxHeaderCount) header fields"))
            }
            if line.first == 0x20 || line.first == 0x09 {
                return .failure(bad("obsolete_line_folding", "folded header lines are not accepted"))
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(bad("bad_header", "header line without a colon"))
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else {
                return .failure(bad("bad_header", "invalid header name"))
            }
            let value = line[(colon + 1)...]
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .failure(bad("bad_header", "invalid character in header value"))
            }
            headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self).trimmingHTTPWhitespace())
        }

        if minor == 1 && headers.count(of: "Host") != 1 {
            return .failure(bad("missing_host", "HTTP/1.1 requests need exactly one Host header"))
        }
        let lengths = headers.values("Content-Length")
        if headers.first("Transfer-Encoding") != nil {
            if !lengths.isEmpty {
                // Both framings at once is the classic request-smuggling setup (RFC 9112 §6.3).
                return .failure(bad("conflicting_framing", "Transfer-Encoding and Content-Length together"))
            }
            return .failure(HTTPError(.notImplemented, code: "unsupported_transfer_encoding",
                                      message: "send a Content-Length body; chunked requests are not accepted"))
        }
        var length = 0
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  first.utf8.count <= 18, let parsed = Int(first) else {
                return .failure(bad("bad_content_length", "invalid Content-Length"))
            }
            guard parsed <= limits.maxBodyBytes else {
                return .failure(HTTPError(.contentTooLarge, code: "body_too_large", message: "body exceeds \(limits.maxBodyBytes) bytes"))
            }
            length = parsed
        }
        let request = HTTPRequest(method: String(decoding: parts[0], as: UTF8.self), target: target, minorVersion: minor, headers: headers)
        return .success((request, length))
    }

    private func bad(_ code: String, _ message: String) -> HTTPError {
        HTTPError(.badRequest, code: code, message: message)
    }
}

/// RFC 9110 §5.6.2 `tchar`.
@inline(__always)
func isTokenCharacter(_ c: UInt8) -> Bool {
    switch c {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
         UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
         UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}
