/// HS256 secrets by key id, for verification and rotation.
///
/// A token whose header names a `kid` is checked with that key alone (an unknown `kid` fails); a token without
/// `kid` is checked with the default key (`RELAIS_TOKEN_SECRET`).
public struct TokenKeys: Sendable {
    public var defaultSecret: [UInt8]?
    public var keysByID: [String: [UInt8]]

    public init(defaultSecret: String? = nil, keysByID: [String: String] = [:]) {
        self.defaultSecret = defaultSecret.map { Array($0.utf8) }
        self.keysByID = keysByID.mapValues { Array($0.utf8) }
    }

    /// Parses `kid1:secret1,kid2:secret2` (the `RELAIS_TOKEN_KEYS` format).
    public static func parseKeyList(_ text: String) -> [String: String] {
        var keys: [String: String] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { keys[String(parts[0])] = String(parts[1]) }
        }
        return keys
    }

    public var isEmpty: Bool { defaultSecret == nil && keysByID.isEmpty }

    func secret(forKeyID kid: String?) -> [UInt8]? {
        if let kid { return keysByID[kid] }
        return defaultSecret
    }
}
