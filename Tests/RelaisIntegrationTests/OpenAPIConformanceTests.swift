import Foundation
import RelaisServer
import Testing

/// schemathesis (PyPI) generates requests from docs/openapi.yaml against a running server and checks every
/// response against the document: status codes, content types, response schemas, and that invalid input is
/// refused while valid input is accepted.
@Suite struct OpenAPIConformanceTests {
    @Test func schemathesisFindsNoFailures() throws {
        let server = try TestServer.signalling {
            $0.adminTokens = ["schemathesis-token"]
            $0.auditLogPath = NSTemporaryDirectory() + "relais-schemathesis-\(UUID().uuidString).log"
        }
        let spec = TestPaths.testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml").path
        // use_after_free is excluded on purpose: DELETE /visits/{id} *ends* a visit and the ended visit stays
        // readable (its quality history and audit trail are the point); see docs/api.md.
        let result = try run("schemathesis", [
            "run", spec, "--url", "http://127.0.0.1:\(server.port)", "-H", "Authorization: Bearer schemathesis-token",
            "--max-examples", "25", "--checks", "all", "--exclude-checks", "use_after_free", "--seed", "20261128",
            // Reproducible: no example database carried between runs, generous timeouts on a loaded 2-core machine.
            "--generation-deterministic", "--request-timeout", "20",
        ], timeout: 240)
        let tail = result.stdout.split(separator: "\n").suffix(25).joined(separator: "\n")
        #expect(result.status == 0, "\(tail)\n\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains("passed"))
    }
}
