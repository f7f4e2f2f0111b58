import Foundation
import RelaisTLS
import Testing

/// TLS driven entirely in memory: a client and a server session pass records to each other, no sockets.
struct TLSSessionTests {
    static let directory: String = {
        let dir = NSTemporaryDirectory() + "relais-tls-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? CertificateGenerator.writeSelfSigned(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem")
        return dir
    }()

    /// Pumps records between the two sessions until both finish the handshake (or one fails).
    static func handshake(client: inout TLSSession, server: inout TLSSession) -> (TLSSession.ProcessResult, TLSSession.ProcessResult) {
        var c: TLSSession.ProcessResult = .ok, s: TLSSession.ProcessResult = .ok
        var ignored: [UInt8] = []
        for _ in 0..<10 {
            c = client.process(plaintext: &ignored)
            var records: [UInt8] = []
            client.takeCiphertext(into: &records)
            records.withUnsafeBytes { server.receive(ciphertext: $0) }
            s = server.process(plaintext: &ignored)
            records.removeAll()
            server.takeCiphertext(into: &records)
            records.withUnsafeBytes { client.receive(ciphertext: $0) }
            if client.isHandshakeComplete && server.isHandshakeComplete { break }
            if case .failed = c { break }
            if case .failed = s { break }
        }
        return (c, s)
    }

    @Test func handshakeAgreesOnTLS13AndHTTP11AndCarriesData() throws {
        let serverContext = try TLSContext.server(certificateChainPath: Self.directory + "/cert.pem", privateKeyPath: Self.directory + "/key.pem")
        let clientContext = try TLSContext.client(verifyPeer: true, trustedCAPath: Self.directory + "/cert.pem")
        var client = try TLSSession(context: clientContext, serverName: "localhost")
        var server = try TLSSession(context: serverContext)
        _ = Self.handshake(client: &client, server: &server)
        #expect(client.isHandshakeComplete && server.isHandshakeComplete)
        #expect(server.negotiatedALPN == "http/1.1")
        #expect(client.protocolVersion == "TLSv1.3")

        try Array("GET / HTTP/1.1\r\n".utf8).withUnsafeBytes { try client.send(plaintext: $0) }
        var records: [UInt8] = []
        client.takeCiphertext(into: &records)
        #expect(!records.isEmpty)
        records.withUnsafeBytes { server.receive(ciphertext: $0) }
        var plain: [UInt8] = []
        #expect(server.process(plaintext: &plain) == .ok)
        #expect(plain == Array("GET / HTTP/1.1\r\n".utf8))

        client.close()
        records.removeAll()
        client.takeCiphertext(into: &records)
        records.withUnsafeBytes { server.receive(ciphertext: $0) }
        plain.removeAll()
        #expect(server.process(plaintext: &plain) == .closed)
    }

    @Test func clientRefusesACertificateForAnotherName() throws {
        let serverContext = try TLSContext.server(certificateChainPath: Self.directory + "/cert.pem", privateKeyPath: Self.directory + "/key.pem")
        let clientContext = try TLSContext.client(verifyPeer: true, trustedCAPath: Self.directory + "/cert.pem")
        var client = try TLSSession(context: clientContext, serverName: "not-this-host.example")
        var server = try TLSSession(context: serverContext)
        let (c, _) = Self.handshake(client: &client, server: &server)
        guard case .failed(let error) = c else { Issue.record("handshake succeeded"); return }
        #expect(error.kind == .handshakeFailed)
    }

    @Test func missingOrMismatchedKeyIsAConfigurationError() throws {
        #expect(throws: TLSError.self) {
            _ = try TLSContext.server(certificateChainPath: "/nonexistent.pem", privateKeyPath: "/nonexistent.pem")
        }
        let other = Self.directory + "/other"
        try CertificateGenerator.writeSelfSigned(certificatePath: other + "-cert.pem", privateKeyPath: other + "-key.pem")
        #expect(throws: TLSError.self) {
            _ = try TLSContext.server(certificateChainPath: Self.directory + "/cert.pem", privateKeyPath: other + "-key.pem")
        }
    }

    @Test func generatedKeyIsPrivateToTheOwner() throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: Self.directory + "/key.pem")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func reloadSwapsTheContextForNewSessions() throws {
        let dir = Self.directory + "/reload"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try CertificateGenerator.writeSelfSigned(certificatePath: dir + "/c.pem", privateKeyPath: dir + "/k.pem")
        let holder = try TLSContextHolder(certificateChainPath: dir + "/c.pem", privateKeyPath: dir + "/k.pem")
        let before = ObjectIdentifier(holder.current)
        try CertificateGenerator.writeSelfSigned(certificatePath: dir + "/c.pem", privateKeyPath: dir + "/k.pem")
        try holder.reload()
        #expect(ObjectIdentifier(holder.current) != before)
        // A broken file keeps the previous context.
        try "garbage".write(toFile: dir + "/c.pem", atomically: true, encoding: .utf8)
        let current = ObjectIdentifier(holder.current)
        #expect(throws: TLSError.self) { try holder.reload() }
        #expect(ObjectIdentifier(holder.current) == current)
    }
}
