import RelaisCore
import RelaisHTTP
import Testing

struct HTTPRequestParserTests {
    private func parseAll(_ text: String, limits: HTTPLimits = HTTPLimits()) -> [HTTPRequestParser.Result] {
        var parser = HTTPRequestParser(limits: limits)
        var buffer = ByteBuffer(string: text)
        var results: [HTTPRequestParser.Result] = []
        while true {
            let r = parser.parse(&buffer)
            results.append(r)
            if case .request = r { continue }
            return results
        }
    }

    private func errorCode(_ text: String, limits: HTTPLimits = HTTPLimits()) -> (Int, String)? {
        for r in parseAll(text, limits: limits) { if case .error(let e) = r { return (e.status.code, e.code) } }
        return nil
    }

    @Test func parsesARequestWithHeadersAndBody() throws {
        let results = parseAll("POST /api/v1/stats?x=1&y=a%20b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-A:  v  \r\n\r\nhello")
        guard case .request(let r) = results.first else { Issue.record("no request"); return }
        #expect(r.method == "POST")
        #expect(r.path == "/api/v1/stats")
        #expect(r.queryParameters == ["x": "1", "y": "a b"])
        #expect(r.headers["x-a"] == "v")
        #expect(r.body == Array("hello".utf8))
        #expect(r.keepAlive)
    }

    @Test func parsesPipelinedRequestsInOrder() {
        let results = parseAll("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n")
        let paths = results.compactMap { if case .request(let r) = $0 { return r.path } else { return nil } }
        #expect(paths == ["/a", "/b", "/c"])
        #expect(results.last == .needMore)
    }

    @Test func parsesARequestArrivingOneByteAtATime() {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer()
        let text = Array("GET /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc".utf8)
        var got: HTTPRequest?
        for byte in text {
            buffer.write(byte: byte)
            if case .request(let r) = parser.parse(&buffer) { got = r }
        }
        #expect(got?.path == "/slow")
        #expect(got?.body == Array("abc".utf8))
    }

    @Test func acceptsBareLineFeeds() {
        guard case .request(let r) = parseAll("GET / HTTP/1.1\nHost: h\n\n").first else { Issue.record("no request"); return }
        #expect(r.path == "/")
    }

    @Test func http10ClosesByDefault() {
        guard case .request(let r) = parseAll("GET / HTTP/1.0\r\n\r\n").first else { Issue.record("no request"); return }
        #expect(!r.keepAlive)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", 400, "missing_host"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "missing_host"),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "http_version_not_supported"),
        ("GET / FTP/1.0\r\nHost: h\r\n\r\n", 400, "bad_version"),
        ("GET /\r\nHost: h\r\n\r\n", 400, "bad_request_line"),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_method"),
        ("GET nopath HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_target"),
        ("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n", 400, "bad_header"),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400, "bad_header"),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  folded\r\n\r\n", 400, "obsolete_line_folding"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: x1\r\n\r\n", 400, "bad_content_length"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "bad_content_length"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "conflicting_framing"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 501, "unsupported_transfer_encoding"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999\r\n\r\n", 413, "body_too_large"),
    ])
    func rejectsMalformedRequestsWithSpecificCodes(text: String, status: Int, code: String) {
        let got = errorCode(text)
        #expect(got?.0 == status)
        #expect(got?.1 == code)
    }

    @Test func rejectsTooLongTargetWith414() {
        var limits = HTTPLimits()
        limits.maxTargetBytes = 100
        #expect(errorCode("GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\nHost: h\r\n\r\n", limits: limits)?.0 == 414)
        // A request line that never ends is also 414 once it passes the header budget.
        limits.maxHeaderBytes = 1000
        #expect(errorCode("GET /" + String(repeating: "a", count: 2000), limits: limits)?.0 == 414)
    }

    @Test func rejectsOversizedHeadersWith431() {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = 1024
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "v", count: 2000)
        #expect(errorCode(big, limits: limits)?.1 == "header_too_large")
        limits.maxHeaderCount = 5
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<10).map { "X\($0): v\r\n" }.joined() + "\r\n"
        #expect(errorCode(many, limits: limits)?.1 == "too_many_headers")
    }

    @Test func errorBodiesAreJSONWithStableCode() {
        let error = HTTPError(.notFound, code: "not_found", message: "nothing \"here\"")
        #expect(String(decoding: error.body, as: UTF8.self) == #"{"code":"not_found","message":"nothing \"here\"","status":404}"#)
    }
}
