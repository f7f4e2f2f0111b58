/// Agreed parameters of the permessage-deflate extension (RFC 7692 §7.1), seen from one side.
public struct PerMessageDeflateConfiguration: Equatable, Sendable {
    /// Whether the server resets its compressor after each message.
    public var serverNoContextTakeover = false
    /// Whether the client resets its compressor after each message.
    public var clientNoContextTakeover = false
    /// LZ77 window of the server's compressor (9–15; 8 is declined, see `negotiate`).
    public var serverMaxWindowBits = 15
    /// LZ77 window of the client's compressor.
    public var clientMaxWindowBits = 15

    public init() {}

    /// The `Sec-WebSocket-Extensions` value a server answers with.
    public var responseHeaderValue: String {
        var parts = ["permessage-deflate"]
        if serverNoContextTakeover { parts.append("server_no_context_takeover") }
        if clientNoContextTakeover { parts.append("client_no_context_takeover") }
        if serverMaxWindowBits < 15 { parts.append("server_max_window_bits=\(serverMaxWindowBits)") }
        if clientMaxWindowBits < 15 { parts.append("client_max_window_bits=\(clientMaxWindowBits)") }
        return parts.joined(separator: "; ")
    }

    /// Server side: picks the first acceptable `permessage-deflate` offer from the header values, or nil.
    ///
    /// An offer with an unknown or duplicated parameter or an out-of-range value is skipped (RFC 7692 §5.1
    /// says to decline it). `server_max_window_bits=8` is declined too: zlib silently widens a raw-deflate
    /// window of 8 to 9, which would break the promise made to the client.
    public static func negotiate(offers headerValues: [String], serverNoContextTakeover forceReset: Bool = false) -> Self? {
        for offer in headerValues.flatMap({ splitOffers($0) }) {
            guard offer.name == "permessage-deflate" else { continue }
            var config = PerMessageDeflateConfiguration()
            var seen = Set<String>()
            var acceptable = true
            for (name, value) in offer.parameters {
                guard seen.insert(name).inserted else { acceptable = false; break }
                switch name {
                case "server_no_context_takeover":
                    if value != nil { acceptable = false }
                    config.serverNoContextTakeover = true
                case "client_no_context_takeover":
                    if value != nil { acceptable = false }
                    config.clientNoContextTakeover = true
                case "server_max_window_bits":
                    guard let bits = value.flatMap(Int.init), (9...15).contains(bits) else { acceptable = false; break }
                    config.serverMaxWindowBits = bits
                case "client_max_window_bits":
                    // Without a value the client only says it could honour a limit; we do not impose one.
                    if let value {
                        guard let bits = Int(value), (8...15).contains(bits) else { acceptable = false; break }
                        config.clientMaxWindowBits = bits
                    }
                default:
                    acceptable = false
                }
                if !acceptable { break }
            }
            if acceptable {
                if forceReset { config.serverNoContextTakeover = true }
                return config
            }
        }
        return nil
    }

    /// Client side: the offer we send.
    public static let clientOffer = "permessage-deflate; client_max_window_bits"

    /// Client side: validates the server's answer to `clientOffer`.
    public static func acceptResponse(_ headerValue: String) -> Self? {
        let offers = splitOffers(headerValue)
        guard offers.count == 1, offers[0].name == "permessage-deflate" else { return nil }
        var config = PerMessageDeflateConfiguration()
        for (name, value) in offers[0].parameters {
            switch name {
            case "server_no_context_takeover": config.serverNoContextTakeover = true
            case "client_no_context_takeover": config.clientNoContextTakeover = true
            case "server_max_window_bits":
                guard let bits = value.flatMap(Int.init), (8...15).contains(bits) else { return nil }
                config.serverMaxWindowBits = bits
            case "client_max_window_bits":
                guard let bits = value.flatMap(Int.init), (9...15).contains(bits) else { return nil }
                config.clientMaxWindowBits = bits
            default: return nil
            }
        }
        return config
    }

    /// Splits `a; p=1, b` into extension offers with their parameters (quoted values unquoted).
    static func splitOffers(_ header: String) -> [(name: String, parameters: [(String, String?)])] {
        header.split(separator: ",").map { offer in
            let items = offer.split(separator: ";").map { $0.trimmingCharacters() }
            let parameters = items.dropFirst().map { item -> (String, String?) in
                let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters() }
                let value = kv.count > 1 ? kv[1].trimmingQuotes() : nil
                return (kv[0].lowercased(), value)
            }
            return (items.first?.lowercased() ?? "", Array(parameters))
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }

    fileprivate func trimmingQuotes() -> String {
        if count >= 2 && hasPrefix("\"") && hasSuffix("\"") { return String(dropFirst().dropLast()) }
        return String(self)
    }
}
