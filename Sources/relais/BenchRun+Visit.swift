import RelaisCore
import RelaisPosix
import RelaisSignalling
import RelaisWebSocket

#if canImport(Glibc)
import Glibc
#endif

/// One visit of the `visit` scenario, walked through by a clinician and a patient. Touched only on its loop.
final class BenchVisit {
    let room: String
    let began: UInt64
    var clinician: LoopWebSocketClient?
    var patient: LoopWebSocketClient?
    var consentVersion = "1"
    var candidatesAtClinician = 0
    var candidatesAtPatient = 0
    var closed = 0
    var failed = false
    var patientStarted = false

    init(room: String, began: UInt64) {
        self.room = room
        self.began = began
    }
}

extension BenchRun {
    /// `connections` visits in flight, each the whole life of a teleconsultation in order: the clinician joins,
    /// the patient joins into the lobby, the clinician admits, the patient consents, offer (≈2.4 KB SDP) and
    /// answer, five trickled candidates each way (the last one `null`), one quality report each (acked), both
    /// leave. A finished visit starts the next one in its slot. Reports visits/s, the visit's duration
    /// (latency_*), and with --server-pid the server's CPU per visit; relayed messages are counted for loss.
    func visit(secret: String) throws -> BenchResult {
        let minter = TokenMinter(secret: secret)
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let perLoop = distribute(options.connections)
        let run = self
        let sdp = BenchRun.syntheticSDP()
        for (index, w) in workers.enumerated() {
            let slots = perLoop[index]
            w.loop.execute {
                let worker = w.value
                var serial = 0
                func startVisit() {
                    guard worker.running else { return }
                    serial += 1
                    let now = Int64(time(nil))
                    let visit = BenchVisit(room: "visit-\(runID)-\(index)-\(serial)", began: run.nowNanoseconds())
                    let doctorToken = minter.mint(TokenClaims(subject: "doc", room: visit.room, role: .clinician, expiresAt: now + 600), issuedAt: now)
                    let patientToken = minter.mint(TokenClaims(subject: "pat", room: visit.room, role: .patient, expiresAt: now + 600), issuedAt: now)
                    func send(_ client: LoopWebSocketClient?, _ json: String, relayed: Bool = false) {
                        guard let client, client.isOpen else { return }
                        client.send(text: Array(json.utf8))
                        if relayed { worker.sentTotal += 1 }
                    }
                    func trickle(from client: LoopWebSocketClient?, to peer: String) {
                        for i in 0..<4 {
                            send(client, #"{"type":"candidate","to":"\#(peer)","candidate":{"candidate":"candidate:\#(i) 1 udp 2122260223 192.0.2.\#(i + 1) 5\#(i)000 typ host","sdpMid":"0","sdpMLineIndex":0}}"#, relayed: true)
                        }
                        send(client, #"{"type":"candidate","to":"\#(peer)","candidate":null}"#, relayed: true)
                    }
                    func finished(_ error: String?) {
                        if error != nil && !visit.failed { visit.failed = true; worker.errors += 1 }
                        // A failed side ends the visit: the other may be waiting in the lobby for ever otherwise.
                        if visit.failed { visit.clinician?.close(); visit.patient?.close() }
                        visit.closed += 1
                        // A clinician that never got in leaves no patient to wait for.
                        if !visit.patientStarted { visit.closed = 2 }
                        guard visit.closed == 2 else { return }
                        // The clients' callbacks hold the visit: break the cycle now that both are closed.
                        visit.clinician = nil
                        visit.patient = nil
                        if !visit.failed && worker.measuring {
                            worker.completed += 1
                            worker.recordLatency(run.nowNanoseconds() &- visit.began)
                        }
                        startVisit()
                    }
                    func client(_ token: String, seed: Int, _ onText: @escaping (LoopWebSocketClient, [UInt8]) -> Void) -> LoopWebSocketClient {
                        run.client(on: worker, path: "/v1/signal", seed: UInt64(index * 1_000_000_000 + serial * 2 + seed)) { c, event in
                            switch event {
                            case .open:
                                worker.opened += 1
                                c.send(text: Array((#"{"type":"join","token":""# + token + #""}"#).utf8))
                            case .message(.text(let bytes)):
                                if bytes.starts(with: Array(#"{"type":"error""#.utf8)) {
                                    if !visit.failed { visit.failed = true; worker.errors += 1 }
                                    c.close()
                                } else {
                                    onText(c, bytes)
                                }
                            case .closed(let error):
                                finished(error)
                            default:
                                break
                            }
                        }
                    }
                    // Both sides end alike: after the peer's five candidates, one acked report, then leave.
                    func closing(_ c: LoopWebSocketClient, _ bytes: [UInt8], candidates: inout Int) {
                        if bytes.starts(with: Array(#"{"type":"candidate""#.utf8)) {
                            worker.receivedTotal += 1
                            candidates += 1
                            if candidates == 5 { c.send(text: BenchRun.compactReport(sequence: 1, intervalSeconds: 2)) }
                        } else if bytes.starts(with: Array(#"{"type":"ack""#.utf8)) && candidates == 5 {
                            send(c, #"{"type":"leave"}"#)
                            c.close()
                        }
                    }
                    let patient = client(patientToken, seed: 1) { c, bytes in
                        if bytes.starts(with: Array(#"{"type":"joined""#.utf8)) {
                            if let v = BenchRun.stringField("version", in: bytes) { visit.consentVersion = v }
                        } else if bytes.starts(with: Array(#"{"type":"admitted""#.utf8)) {
                            send(c, #"{"type":"consent","granted":true,"version":"\#(visit.consentVersion)","rid":"c"}"#)
                        } else if bytes.starts(with: Array(#"{"type":"offer""#.utf8)) {
                            worker.receivedTotal += 1
                            send(c, #"{"type":"answer","to":"doc","sdp":"\#(sdp)"}"#, relayed: true)
                            trickle(from: c, to: "doc")
                        } else {
                            closing(c, bytes, candidates: &visit.candidatesAtPatient)
                        }
                    }
                    let clinician = client(doctorToken, seed: 0) { c, bytes in
                        if bytes.starts(with: Array(#"{"type":"joined""#.utf8)) {
                            visit.patientStarted = true
                            visit.patient?.start()
                        } else if bytes.starts(with: Array(#"{"type":"lobby-waiting""#.utf8)) {
                            send(c, #"{"type":"admit","participant":"pat","rid":"a"}"#)
                        } else if bytes.starts(with: Array(#"{"type":"consent""#.utf8)) {
                            send(c, #"{"type":"offer","to":"pat","sdp":"\#(sdp)","rid":"o"}"#, relayed: true)
                        } else if bytes.starts(with: Array(#"{"type":"answer""#.utf8)) {
                            worker.receivedTotal += 1
                            trickle(from: c, to: "pat")
                        } else {
                            closing(c, bytes, candidates: &visit.candidatesAtClinician)
                        }
                    }
                    visit.clinician = clinician
                    visit.patient = patient
                    clinician.start()
                }
                for _ in 0..<slots { startVisit() }
            }
        }
        var r = result("visit", measure(), unit: "visit")
        r.add("visits_in_flight", Double(options.connections))
        return r
    }

    /// An SDP offer of realistic size (≈2.4 KB: audio + video m-lines, ICE, DTLS fingerprint, codecs), JSON-escaped.
    static func syntheticSDP() -> String {
        var lines = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
                     "a=extmap-allow-mixed", "a=msid-semantic: WMS stream"]
        for (mid, kind, codecs) in [(0, "audio", ["111 opus/48000/2", "63 red/48000/2", "9 G722/8000", "0 PCMU/8000"]),
                                    (1, "video", ["96 VP8/90000", "97 rtx/90000", "98 VP9/90000", "99 rtx/90000", "45 AV1/90000", "46 rtx/90000"])] {
            lines.append("m=\(kind) 9 UDP/TLS/RTP/SAVPF " + codecs.map { String($0.split(separator: " ")[0]) }.joined(separator: " "))
            lines += ["c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:x9Qe", "a=ice-pwd:7Ds0Jk2lQ9aZp3Xc8vBn1mRt",
                      "a=ice-options:trickle", "a=fingerprint:sha-256 " + (0..<32).map { _ in "AB" }.joined(separator: ":"),
                      "a=setup:actpass", "a=mid:\(mid)", "a=sendrecv", "a=msid:stream track-\(kind)", "a=rtcp-mux"]
            lines += codecs.map { "a=rtpmap:" + $0 }
            lines += codecs.map { "a=rtcp-fb:" + String($0.split(separator: " ")[0]) + " transport-cc" }
        }
        return lines.joined(separator: "\\r\\n") + "\\r\\n"
    }

    /// The first `"name":"value"` string in a JSON message (the generator's messages are flat enough for this).
    static func stringField(_ name: String, in bytes: [UInt8]) -> String? {
        let key = Array("\"\(name)\":\"".utf8)
        guard let at = firstIndex(of: key, in: bytes) else { return nil }
        let start = at + key.count
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
