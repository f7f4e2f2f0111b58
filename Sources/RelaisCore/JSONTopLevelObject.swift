/// A parsed JSON object that remembers where each member's value sits in the original bytes, so selected values
/// can be forwarded byte for byte (what a signalling relay must do with SDP and ICE candidates).
public struct JSONTopLevelObject: Sendable {
    public let bytes: [UInt8]
    public let members: [(key: String, value: JSONValue, range: Range<Int>)]

    /// The parsed value of member `key` (first occurrence).
    public subscript(key: String) -> JSONValue? { members.first { $0.key == key }?.value }

    /// The exact bytes of member `key`'s value as the sender wrote it.
    public func rawValue(_ key: String) -> ArraySlice<UInt8>? {
        members.first { $0.key == key }.map { bytes[$0.range] }
    }

    public var asValue: JSONValue { .object(members.map { ($0.key, $0.value) }) }
}
