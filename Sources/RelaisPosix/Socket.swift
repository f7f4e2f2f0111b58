#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CRelaisLinux

/// The owner of one socket descriptor: closing happens exactly once, in `deinit` or `close()`.
///
/// `~Copyable` makes "two owners of one fd" a compile error, which is the bug class that turns a closed
/// descriptor number into somebody else's freshly accepted connection.
public struct Socket: ~Copyable {
    public let descriptor: CInt

    /// Takes ownership of an open descriptor.
    public init(taking descriptor: CInt) { self.descriptor = descriptor }

    deinit {
        // close(2) on Linux releases the descriptor even when it reports EINTR or EIO, and a socket has no
        // deferred write-back errors worth reporting here, so the result is deliberately ignored.
        _ = Glibc.close(descriptor)
    }

    /// Closes now (equivalent to dropping the value).
    public consuming func close() {}

    /// Gives up ownership without closing, to move the descriptor to another thread (accept hand-off).
    /// The receiver must wrap it again with `Socket(taking:)`.
    public consuming func releaseDescriptor() -> CInt {
        let fd = descriptor
        discard self
        return fd
    }

    /// Reads up to `buffer.count` bytes. `.processed(0)` means the peer closed its side.
    /// The corresponding C function is `read`.
    @inlinable
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> IOResult<Int> {
        try syscall("read") { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Writes as much of `buffer` as the kernel accepts. `MSG_NOSIGNAL` turns a write to a reset
    /// connection into `EPIPE` instead of a process-killing `SIGPIPE`.
    /// The corresponding C function is `send`.
    @inlinable
    public func write(_ buffer: UnsafeRawBufferPointer) throws(Errno) -> IOResult<Int> {
        try syscall("send") { Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Half-closes the write side so the peer reads EOF after our last bytes (used after a WebSocket close).
    /// The corresponding C function is `shutdown`.
    public func shutdownWrite() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Sets an integer socket option. The corresponding C function is `setsockopt`.
    public func setOption(level: CInt, name: CInt, value: CInt) throws(Errno) {
        var v = value
        _ = try syscallChecked("setsockopt") {
            setsockopt(descriptor, level, name, &v, socklen_t(MemoryLayout<CInt>.size))
        }
    }

    /// Disables Nagle's algorithm: signalling messages are small and latency-sensitive.
    public func setNoDelay() throws(Errno) {
        try setOption(level: CInt(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
    }

    /// The local address (useful after binding port 0). The corresponding C function is `getsockname`.
    public func localAddress() throws(Errno) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { (p) throws(Errno) -> CInt in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { (sa) throws(Errno) -> CInt in
                try syscallChecked("getsockname") { getsockname(descriptor, sa, &length) }
            }
        }
        return SocketAddress.from(storage: storage)
    }

    /// The pending socket error after a non-blocking connect. The corresponding C function is `getsockopt(SO_ERROR)`.
    public func pendingError() -> CInt {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &value, &length)
        return value
    }
}

extension Socket {
    /// Creates a non-blocking, close-on-exec TCP socket. The corresponding C function is `socket`.
    public static func tcp(family: SocketAddress.Family) throws(Errno) -> Socket {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = try syscallChecked("socket") {
            Glibc.socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        return Socket(taking: fd)
    }

    /// A listening socket bound to `address`, with `SO_REUSEADDR` (fast restarts) and, when `reusePort`,
    /// `SO_REUSEPORT` so each event loop can own its own listener and the kernel spreads connections.
    public static func listen(at address: SocketAddress, backlog: CInt = 1024, reusePort: Bool) throws(Errno) -> Socket {
        let socket = try Socket.tcp(family: address.family)
        try socket.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        if reusePort { try socket.setOption(level: SOL_SOCKET, name: SO_REUSEPORT, value: 1) }
        if address.family == .ipv6 && address.host == "::" {
            // Listen on IPv4 too through mapped addresses, whatever net.ipv6.bindv6only says.
            try socket.setOption(level: CInt(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 0)
        }
        _ = try address.withSockAddr { (sa, len) throws(Errno) -> CInt in
            try syscallChecked("bind") { Glibc.bind(socket.descriptor, sa, len) }
        }
        _ = try syscallChecked("listen") { Glibc.listen(socket.descriptor, backlog) }
        return socket
    }

    /// Accepts one pending connection as a non-blocking socket, or `nil` when none is pending.
    /// The corresponding C function is `accept4`.
    public func accept() throws(Errno) -> AcceptedSocket? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try withUnsafeMutablePointer(to: &storage) { (p) throws(Errno) -> IOResult<CInt> in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { (sa) throws(Errno) -> IOResult<CInt> in
                try syscall("accept4") {
                    accept4(descriptor, sa, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
        }
        switch result {
        case .wouldBlock: return nil
        case .processed(let fd): return AcceptedSocket(socket: Socket(taking: fd), peer: SocketAddress.from(storage: storage))
        }
    }

    /// Starts a non-blocking connect. Returns true when already connected (loopback often is), false when
    /// in progress (wait for writability, then check `pendingError()`). The corresponding C function is `connect`.
    public func connect(to address: SocketAddress) throws(Errno) -> Bool {
        try address.withSockAddr { (sa, len) throws(Errno) -> Bool in
            while true {
                if Glibc.connect(descriptor, sa, len) == 0 { return true }
                let code = Errno.current
                if code == EINTR { continue }
                if code == EINPROGRESS { return false }
                throw Errno(code, function: "connect")
            }
        }
    }
}

/// A socket returned by `accept`, with the peer address (kept in memory only; never logged in clear).
public struct AcceptedSocket: ~Copyable {
    public var socket: Socket
    public let peer: SocketAddress?

    /// Hands over the socket (the peer address stays behind, to be hashed and forgotten).
    public consuming func takeSocket() -> Socket { socket }
}
