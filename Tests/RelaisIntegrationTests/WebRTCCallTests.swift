import Foundation
import RelaisServer
import RelaisSignalling
import Testing

/// A real WebRTC call: two aiortc peers negotiate through Relais over loopback and exchange audio and data.
@Suite struct WebRTCCallTests {
    @Test func aiortcPeersConnectThroughRelais() throws {
        let server = try TestServer.signalling()
        let url = "ws://127.0.0.1:\(server.port)/v1/signal"
        let result = try run("python3", [TestPaths.script("webrtc_call.py"), url,
                                         Tokens.mint("doc", room: "webrtc-visit", .clinician),
                                         Tokens.mint("pat", room: "webrtc-visit", .patient)], timeout: 60)
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains(#""doc_state": "connected""#))
        #expect(result.stdout.contains(#""pat_state": "connected""#))
    }
}
