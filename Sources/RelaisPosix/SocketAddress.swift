#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CRelaisLinux

/// An IPv4 or IPv6 socket address, parsed from text with `inet_pton` (no name resolution: Relais listens on
/// and connects to literal addresses, plus `localhost`, so a test or a config never waits on DNS).
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case ipv4, ipv6 }

    public let host: String
    public let port: UInt16
    public let family: Family

    /// Parses `host` (an IPv4 or IPv6 literal, optionally in brackets, `localhost`, or `*`/empty for all IPv6
    /// and IPv4 interfaces) and a port.
    public init(host: String, port: UInt16) throws(SocketAddressError) {
        var h = host
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" { h = "127.0.0.1" }
        if h.isEmpty || h == "*" { h = "::" }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, h, &v4) == 1 {
            family = .ipv4
        } else if inet_pton(AF_INET6, h, &v6) == 1 {
            family = .ipv6
        } else {
            throw SocketAddressError(host: host)
        }
        self.host = h
        self.port = port
    }

    /// Whether the address is on the loopback range (127.0.0.0/8 or ::1). Plain `ws://` is allowed only there
    /// unless TLS is explicitly disabled.
    public var isLoopback: Bool {
        switch family {
        case .ipv4: return host.hasPrefix("127.")
        case .ipv6: return host == "::1"
        }
    }

    public var description: String {
        family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Calls `body` with a `sockaddr` pointer and length for this address.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws(Errno) -> R) throws(Errno) -> R {
        switch family {
        case .ipv4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, host, &sin.sin_addr)
            return try withUnsafePointer(to: &sin) { (p) throws(Errno) -> R in
                try body(UnsafeRawPointer(p).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        case .ipv6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, host, &sin6.sin6_addr)
            return try withUnsafePointer(to: &sin6) { (p) throws(Errno) -> R in
                try body(UnsafeRawPointer(p).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    }

    /// Decodes a `sockaddr_storage` filled by `accept4`/`getsockname`.
    static func from(storage: sockaddr_storage) -> SocketAddress? {
        var storage = storage
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var addr = sin.pointee.sin_addr
                    inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                    let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    return try? SocketAddress(host: host, port: UInt16(bigEndian: sin.pointee.sin_port))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var addr = sin6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                    let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    return try? SocketAddress(host: host, port: UInt16(bigEndian: sin6.pointee.sin6_port))
                }
            }
        default:
            return nil
        }
    }
}

/// The host string is not an IP literal Relais can use.
public struct SocketAddressError: Error, Sendable, CustomStringConvertible {
    public let host: String
    public var description: String { "not an IPv4 or IPv6 address: \(host)" }
}
