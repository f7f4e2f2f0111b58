import RelaisCore

/// The status line and headers of a response, parsed by clients (the WebSocket client reads the 101 answer).
public struct HTTPResponseHead: Sendable, Equatable {
    public var statusCode: Int
    public var reason: String
    public var headers: HTTPHeaders

    public init(statusCode: Int, reason: String, headers: HTTPHeaders) {
        self.statusCode = statusCode
        self.reason = reason
        self.headers = headers
    }

    public enum ParseResult: Sendable, Equatable {
        case head(HTTPResponseHead)
        case needMore
        case invalid(String)
    }

    /// Consumes a response head from `buffer` (leaving any following bytes, such as WebSocket frames).
    public static func parse(_ buffer: inout ByteBuffer, maxBytes: Int = 16 * 1024) -> ParseResult {
        let end: (Int, Int)? = buffer.withUnsafeReadableBytes { bytes in
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0A {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x0A { return (i, i + 2) }
                    if i + 2 < bytes.count && bytes[i + 1] == 0x0D && bytes[i + 2] == 0x0A { return (i, i + 3) }
                }
                i += 1
            }
            return nil
        }
        guard let (contentEnd, blockEnd) = end else {
            return buffer.readableBytes > maxBytes ? .invalid("response head too large") : .needMore
        }
        let head = buffer.withUnsafeReadableBytes { Array($0[0..<contentEnd]) }
        buffer.moveReaderIndex(forwardBy: blockEnd)
        let lines = head.split(separator: 0x0A).map { $0.last == 0x0D ? $0.dropLast() : $0 }
        guard let statusLine = lines.first else { return .invalid("empty response") }
        let parts = statusLine.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].starts(with: Array("HTTP/1.".utf8)),
              let code = Int(String(decoding: parts[1], as: UTF8.self)) else {
            return .invalid("bad status line")
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .invalid("bad header line") }
            headers.add(String(decoding: line[line.startIndex..<colon], as: UTF8.self),
                        String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingHTTPWhitespace())
        }
        let reason = parts.count > 2 ? String(decoding: parts[2], as: UTF8.self) : ""
        return .head(HTTPResponseHead(statusCode: code, reason: reason, headers: headers))
    }
}
