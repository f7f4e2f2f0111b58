import Foundation
import RelaisCore
import RelaisServer
import Testing

/// Interop with clients nobody here wrote: Python `websockets`, raw Python sockets, `openssl s_client`.
@Suite struct InteropTests {
    @Test(arguments: [(false, "off"), (false, "on"), (true, "off"), (true, "on")])
    func pythonWebsocketsClientEchoes(tls: Bool, compression: String) throws {
        let server = try TestServer(tls: tls)
        let url = tls ? "wss://localhost:\(server.port)/v1/echo" : "ws://127.0.0.1:\(server.port)/v1/echo"
        var args = [TestPaths.script("ws_interop.py"), url, "--compression", compression]
        if tls { args += ["--cafile", TestCertificates.certificate] }
        let result = try run("python3", args)
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(result.stdout.contains(#""ok": true"#))
        if compression == "on" { #expect(result.stdout.contains("PerMessageDeflate")) }
    }

    @Test(arguments: [("bad_utf8", "1007"), ("unmasked", "1002"), ("reserved_opcode", "1002"), ("big_ping", "1002"), ("bad_close_code", "1002")])
    func rawPythonClientSeesTheRightCloseCode(kind: String, code: String) throws {
        let server = try TestServer()
        let result = try run("python3", [TestPaths.script("ws_violation.py"), String(server.port), kind])
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == code, "stderr: \(result.stderr)")
    }

    @Test func opensslClientNegotiatesTLS13AndALPN() throws {
        let server = try TestServer(tls: true)
        let result = try run("openssl", ["s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost",
                                         "-alpn", "h2,http/1.1", "-CAfile", TestCertificates.certificate, "-verify_return_error"],
                             stdin: "", timeout: 15)
        #expect(result.stdout.contains("ALPN protocol: http/1.1"), "\(result.stdout)")
        #expect(result.stdout.contains("TLSv1.3"))
        #expect(result.stdout.contains("Verify return code: 0 (ok)"))
    }

    @Test func opensslClientCanStillUseTLS12() throws {
        let server = try TestServer(tls: true)
        let result = try run("openssl", ["s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_2", "-alpn", "http/1.1",
                                         "-CAfile", TestCertificates.certificate], stdin: "", timeout: 15)
        #expect(result.stdout.contains("Protocol  : TLSv1.2") || result.stdout.contains("TLSv1.2"), "\(result.stdout)")
        #expect(result.stdout.contains("ALPN protocol: http/1.1"))
    }

    @Test(arguments: ["-tls1_1", "-tls1"])
    func opensslClientIsRefusedBelowTLS12(flag: String) throws {
        let server = try TestServer(tls: true)
        // SECLEVEL=0 lets the client offer the old version, so the refusal we see is the server's.
        let result = try run("openssl", ["s_client", "-connect", "127.0.0.1:\(server.port)", flag, "-cipher", "DEFAULT@SECLEVEL=0"],
                             stdin: "", timeout: 15)
        #expect(result.stderr.contains("alert protocol version"), "\(result.stderr)")
        #expect(result.stdout.contains("Cipher is (NONE)"))
    }

    @Test func opensslClientOfferingOnlyH2IsRefused() throws {
        let server = try TestServer(tls: true)
        let result = try run("openssl", ["s_client", "-connect", "127.0.0.1:\(server.port)", "-alpn", "h2"], stdin: "", timeout: 15)
        #expect(result.stderr.contains("no application protocol") || result.stdout.contains("Cipher is (NONE)"), "\(result.stderr)")
    }
}
