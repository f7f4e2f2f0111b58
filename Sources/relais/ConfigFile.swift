import ArgumentParser
import RelaisCore

#if canImport(Glibc)
import Glibc
#endif

/// `relais serve --config FILE`: a JSON object whose keys are the long flag names of `serve` (without `--`).
///
/// Precedence, highest first: command-line flags, environment variables, the file, built-in defaults. Unknown keys
/// and wrong types are errors (a typo in a config file must not silently fall back to a default).
struct ConfigFile {
    enum Kind { case string, integer, number, boolean, strings }

    /// Every key the file may hold, with its type. Secrets are marked for redaction.
    static let keys: [String: (kind: Kind, secret: Bool)] = [
        "host": (.string, false), "port": (.integer, false), "tls-cert": (.string, false), "tls-key": (.string, false),
        "dev-tls": (.boolean, false), "data-dir": (.string, false), "allow-plaintext": (.boolean, false), "loops": (.integer, false),
        "loop-coalesce-us": (.integer, false),
        "max-message-bytes": (.integer, false), "max-send-queue-bytes": (.integer, false), "ping-interval": (.number, false),
        "idle-timeout": (.number, false), "header-timeout": (.number, false), "no-echo": (.boolean, false),
        "echo-rate": (.number, false), "echo-burst": (.integer, false), "no-deflate": (.boolean, false),
        "allowed-origin": (.strings, false), "log-format": (.string, false), "log-level": (.string, false),
        "admin-token": (.strings, true), "token-secret": (.string, true), "token-keys": (.string, true),
        "audit-log": (.string, false), "stun-url": (.strings, false), "turn-url": (.strings, false), "turn-secret": (.strings, true),
        "relay-only-patients": (.boolean, false), "max-participants": (.integer, false), "max-lobby": (.integer, false),
        "resume-grace": (.number, false), "join-deadline": (.number, false), "signal-rate": (.number, false),
        "signal-burst": (.integer, false), "joins-per-minute": (.integer, false), "join-limit-loopback": (.boolean, false),
        "consent-required": (.boolean, false), "store": (.string, false), "no-store": (.boolean, false),
        "retention-days": (.integer, false), "config": (.string, false),
    ]

    private(set) var values: [String: JSONValue] = [:]
    let path: String?

    init() { path = nil }

    /// Reads and validates a file.
    init(path: String) throws {
        self.path = path
        guard let file = fopen(path, "r") else { throw ValidationError("cannot read configuration file \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        let object: JSONTopLevelObject
        do { object = try JSONParser.parseTopLevelObject(bytes) } catch {
            throw ValidationError("\(path): \(error)")
        }
        for member in object.members {
            if member.key.hasPrefix("_") { continue }  // "_comment" and friends: annotations for people
            guard let spec = Self.keys[member.key] else { throw ValidationError("\(path): unknown key \"\(member.key)\"") }
            guard Self.matches(member.value, spec.kind) else {
                throw ValidationError("\(path): \"\(member.key)\" must be \(Self.describe(spec.kind))")
            }
            values[member.key] = member.value
        }
    }

    /// Environment variables override the file: every key `some-flag` is also read from `RELAIS_SOME_FLAG`
    /// (lists comma-separated, booleans `true`/`false`/`1`/`0`). Flags are applied after, so they win over both.
    mutating func overlayEnvironment(_ lookup: (String) -> String?) throws {
        for (key, spec) in Self.keys {
            let name = "RELAIS_" + String(key.uppercased().map { $0 == "-" ? "_" : $0 })
            guard let text = lookup(name) else { continue }
            let value: JSONValue?
            switch spec.kind {
            case .string: value = .string(text)
            case .integer: value = Int64(text).map { .number(Double($0)) }
            case .number: value = Double(text).map { .number($0) }
            case .boolean: value = ["true", "1", "yes"].contains(text) ? .bool(true) : ["false", "0", "no"].contains(text) ? .bool(false) : nil
            case .strings: value = .array(text.split(separator: ",").map { .string(String($0)) })
            }
            guard let value else { throw ValidationError("\(name) must be \(Self.describe(spec.kind))") }
            values[key] = value
        }
    }

    func string(_ key: String) -> String? { values[key]?.stringValue }
    func integer(_ key: String) -> Int? { values[key]?.int64Value.map(Int.init) }
    func number(_ key: String) -> Double? { values[key]?.doubleValue }
    func boolean(_ key: String) -> Bool { values[key]?.boolValue ?? false }
    func booleanValue(_ key: String) -> Bool? { values[key]?.boolValue }
    func strings(_ key: String) -> [String] {
        guard case .array(let items)? = values[key] else { return [] }
        return items.compactMap(\.stringValue)
    }

    private static func matches(_ value: JSONValue, _ kind: Kind) -> Bool {
        switch kind {
        case .string: return value.stringValue != nil
        case .integer: return value.int64Value != nil
        case .number: return value.doubleValue != nil
        case .boolean: return value.boolValue != nil
        case .strings:
            guard case .array(let items) = value else { return false }
            return items.allSatisfy { $0.stringValue != nil }
        }
    }

    private static func describe(_ kind: Kind) -> String {
        switch kind {
        case .string: return "a string"
        case .integer: return "an integer"
        case .number: return "a number"
        case .boolean: return "true or false"
        case .strings: return "a list of strings"
        }
    }
}
