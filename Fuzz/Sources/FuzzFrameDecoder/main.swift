import RelaisCore
import RelaisWebSocket

/// Feeds arbitrary bytes to the WebSocket state machine (server and client roles, with and without
/// permessage-deflate). Invariants: no crash, delivered text is valid UTF-8, messages respect the size limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = WebSocketConnection.Limits()
    limits.maxMessageBytes = 8192
    for role in [WebSocketConnection.Role.server, .client] {
        for deflate in [nil, PerMessageDeflateConfiguration()] {
            var ws = WebSocketConnection(role: role, limits: limits, deflate: deflate)
            var input = ByteBuffer(bytes: bytes)
            var output: [UInt8] = []
            var events = 0
            while events < 1000, let event = ws.nextEvent(from: &input, output: &output) {
                events += 1
                switch event {
                case .text(let payload):
                    precondition(payload.count <= limits.maxMessageBytes)
                    precondition(payload.withUnsafeBytes { UTF8Validator.isValid($0) })
                case .binary(let payload):
                    precondition(payload.count <= limits.maxMessageBytes)
                default:
                    break
                }
            }
        }
    }
    return 0
}
