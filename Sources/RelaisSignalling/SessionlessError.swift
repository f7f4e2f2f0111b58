import RelaisCore

/// The one message sent outside a session: an `error` without `seq` (bad token, first message not `join`,
/// join deadline, refused resume), right before the connection is closed.
public enum SessionlessError {
    public static func bytes(code: String, message: String) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("type", "error")
        json.field("code", code)
        json.field("message", message)
        json.endObject()
        return json.bytes
    }
}
