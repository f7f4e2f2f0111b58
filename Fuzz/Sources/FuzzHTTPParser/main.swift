import RelaisCore
import RelaisHTTP

/// Feeds arbitrary bytes to the HTTP/1.1 request parser, whole and in two pieces, with tight limits.
/// Invariants: no crash, parsing always terminates, and a parsed request respects the limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPLimits()
    limits.maxHeaderBytes = 2048
    limits.maxHeaderCount = 16
    limits.maxBodyBytes = 4096
    limits.maxTargetBytes = 512
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var parser = HTTPRequestParser(limits: limits)
    var buffer = ByteBuffer()
    for piece in [bytes[0..<split], bytes[split...]] {
        buffer.write(bytes: piece)
        var rounds = 0
        loop: while rounds < 64 {
            rounds += 1
            switch parser.parse(&buffer) {
            case .request(let request):
                precondition(request.body.count <= limits.maxBodyBytes)
                precondition(request.headers.fields.count <= limits.maxHeaderCount)
                _ = request.queryParameters
            case .needMore, .error:
                break loop
            }
        }
    }
    var router = Router<Int>()
    router.add("GET", "/api/v1/visits/{id}", 1)
    _ = router.match(method: "GET", path: String(decoding: bytes.prefix(200), as: UTF8.self))
    return 0
}
