import RelaisCore

/// Incremental HTTP/1.1 request parser (RFC 9112) with limits. Pure: bytes in, requests or an error out.
///
/// It keeps the offset it has already scanned for the end of the header block, so a request arriving one byte
/// at a time costs linear, not quadratic, work. Pipelined requests are returned one per `parse` call; the caller
/// loops until `.needMore`. After an error the connection must be closed: the stream position is unknown.
public struct HTTPRequestParser: Sendable {
    public enum Result: Sendable, Equatable {
        case request(HTTPRequest)
        case needMore
        case error(HTTPError)
    }

    private enum State: Sendable {
        case head(scanned: Int)
        case body(HTTPRequest, length: Int)
    }

    public let limits: HTTPLimits
    private var state: State = .head(scanned: 0)

    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    /// Whether a request has started arriving but is not complete (for the header/body deadlines).
    public func hasPartialRequest(buffered: Int) -> Bool {
        if case .body = state { return true }
        return buffered > 0
    }

    /// Whether the parser is waiting for a body (for choosing the body deadline).
    public var isReadingBody: Bool { if case .body = state { return true } else { return false } }

    /// Consumes at most one request from `buffer`.
    public mutating func parse(_ buffer: inout ByteBuffer) -> Result {
        switch state {
        case .head(let scanned):
            guard let headEnd = findHeadEnd(buffer, from: scanned) else {
                let available = buffer.readableBytes
                if available > limits.maxHeaderBytes {
                    // Tell a long target apart from long headers: no newline yet means it is all request line.
                    let lineEnd = buffer.withUnsafeReadableBytes { $0.firstIndex(of: 0x0A) }
                    if lineEnd == nil || lineEnd! > limits.maxTargetBytes + 64 {
                        return .error(HTTPError(.uriTooLong, code: "uri_too_long", message: "request line too long"))
                    }
                    return .error(HTTPError(.requestHeaderFieldsTooLarge, code: "header_too_large",
                                            message: "header section exceeds \(limits.maxHeaderBytes) bytes"))
                }
                state = .head(scanned: max(0, available - 3))
                return .needMore
            }
            guard headEnd.blockEnd <= limits.maxHeaderBytes else {
                // The whole head arrived in one read but is still over budget.
                let lineEnd = buffer.withUnsafeReadableBytes { $0.firstIndex(of: 0x0A) } ?? 0
                if lineEnd > limits.maxTargetBytes + 64 {
                    return .error(HTTPError(.uriTooLong, code: "uri_too_long", message: "request line too long"))
                }
                return .error(HTTPError(.requestHeaderFieldsTooLarge, code: "header_too_large",
                                        message: "header section exceeds \(limits.maxHeaderBytes) bytes"))
            }
            let head = buffer.withUnsafeReadableBytes { Array($0[0..<headEnd.contentEnd]) }
            buffer.moveReaderIndex(forwardBy: headEnd.blockEnd)
            switch parseHead(head) {
            case .failure(let error):
                return .error(error)
            case .success(let (request, length)):
                if length == 0 {
                    state = .head(scanned: 0)
                    return .request(request)
                }
                state = .body(request, length: length)
                return parse(&buffer)
            }
        case .body(var request, let length):
            guard buffer.readableBytes >= length else { return .needMore }
            request.body = buffer.readBytes(length) ?? []
            state = .head(scanned: 0)
            return .request(request)
        }
    }

    /// Finds the blank line ending the head. Returns the end of the last header line and the offset after the
    /// blank line. Accepts bare LF line endings as RFC 9112 §2.2 allows.
    private func findHeadEnd(_ buffer: ByteBuffer, from start: Int) -> (contentEnd: Int, blockEnd: Int)? {
        buffer.withUnsafeReadableBytes { bytes in
            var i = max(0, start)
            while i < bytes.count {
                if bytes[i] == 0x0A {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x0A { return (i, i + 2) }
                    if i + 2 < bytes.count && bytes[i + 1] == 0x0D && bytes[i + 2] == 0x0A { return (i, i + 3) }
                }
                i += 1
            }
            return nil
        }
    }
}
