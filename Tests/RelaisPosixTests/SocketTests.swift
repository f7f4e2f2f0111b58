import RelaisPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct NothingAccepted: Error {}

/// Polls a non-blocking listener for up to a second.
func acceptWithin(_ listener: borrowing Socket) throws -> AcceptedSocket {
    for _ in 0..<200 {
        if let accepted = try listener.accept() { return accepted }
        usleep(5000)
    }
    throw NothingAccepted()
}

struct SocketTests {
    @Test(arguments: [("127.0.0.1", true), ("::1", true), ("[::1]", true), ("localhost", true), ("10.0.0.1", false), ("::", false)])
    func parsesAddressesAndKnowsLoopback(host: String, loopback: Bool) throws {
        #expect(try SocketAddress(host: host, port: 80).isLoopback == loopback)
    }

    @Test(arguments: ["example.com", "256.1.1.1", "1.2.3", ":::1::"])
    func rejectsNamesAndMalformedAddresses(host: String) {
        #expect(throws: SocketAddressError.self) { try SocketAddress(host: host, port: 80) }
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func listenConnectAcceptAndExchangeBytesOverLoopback(host: String) throws {
        let listener = try Socket.listen(at: try SocketAddress(host: host, port: 0), reusePort: false)
        let port = try #require(try listener.localAddress()).port
        #expect(port != 0)
        let client = try Socket.tcp(family: host.contains(":") ? .ipv6 : .ipv4)
        _ = try client.connect(to: try SocketAddress(host: host, port: port))
        let server = try acceptWithin(listener)
        #expect(server.peer?.host == (host == "::1" ? "::1" : "127.0.0.1"))
        let message: [UInt8] = Array("ping".utf8)
        _ = try message.withUnsafeBytes { try client.write($0) }
        var buffer = [UInt8](repeating: 0, count: 16)
        var got = 0
        for _ in 0..<200 {
            let r = try buffer.withUnsafeMutableBytes { try server.socket.read(into: $0) }
            if case .processed(let n) = r { got = n; break }
            usleep(5000)
        }
        #expect(Array(buffer[0..<got]) == message)
    }

    @Test func readOnAnEmptyNonBlockingSocketWouldBlock() throws {
        let listener = try Socket.listen(at: try SocketAddress(host: "127.0.0.1", port: 0), reusePort: false)
        let port = try #require(try listener.localAddress()).port
        let client = try Socket.tcp(family: .ipv4)
        _ = try client.connect(to: try SocketAddress(host: "127.0.0.1", port: port))
        usleep(20_000)
        var buffer = [UInt8](repeating: 0, count: 4)
        let r = try buffer.withUnsafeMutableBytes { try client.read(into: $0) }
        guard case .wouldBlock = r else { Issue.record("expected wouldBlock"); return }
    }
}
