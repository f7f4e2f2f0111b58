import Foundation
import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisServer
import Testing

/// HTTP errors as a third-party client (curl) sees them: status, JSON body with a stable code.
@Suite struct HTTPErrorTests {
    /// `curl` with the status code on the last line.
    private func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let result = try run("curl", ["-s", "-S", "--max-time", "10", "-w", "\n%{http_code}"] + arguments)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
    }

    private func code(in body: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return object["code"] as? String
    }

    @Test func healthAndReadinessAnswer200() throws {
        let server = try TestServer()
        let health = try curl(["http://127.0.0.1:\(server.port)/healthz"])
        #expect(health.status == 200)
        #expect(health.body == #"{"status":"ok"}"#)
        #expect(try curl(["http://127.0.0.1:\(server.port)/readyz"]).status == 200)
    }

    @Test func httpsWorksWithTheGeneratedCertificate() throws {
        let server = try TestServer(tls: true)
        let result = try curl(["--cacert", TestCertificates.certificate, "https://localhost:\(server.port)/healthz"])
        #expect(result.status == 200)
    }

    @Test(arguments: [
        (["/nope"], 404, "not_found"),
        (["-X", "POST", "/healthz"], 405, "method_not_allowed"),
        (["/v1/echo"], 426, "websocket_upgrade_required"),
        (["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@-", "/healthz"], 413, "body_too_large"),
        (["/LONG_PATH"], 414, "uri_too_long"),
        (["-H", "X-Big: BIG_VALUE", "/healthz"], 431, "header_too_large"),
    ])
    func errorsCarryStatusAndStableCode(arguments: [String], status: Int, code: String) throws {
        let server = try TestServer { $0.http.maxBodyBytes = 1000 }
        var args = arguments.map {
            $0.replacingOccurrences(of: "LONG_PATH", with: String(repeating: "a", count: 9000))
                .replacingOccurrences(of: "BIG_VALUE", with: String(repeating: "b", count: 20000))
        }
        args[args.count - 1] = "http://127.0.0.1:\(server.port)" + args[args.count - 1]
        let result: (status: Int, body: String)
        if args.contains("@-") {
            let body = String(repeating: "x", count: 5000)
            let r = try run("curl", ["-s", "-S", "--max-time", "10", "-w", "\n%{http_code}"] + args, stdin: body)
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            result = (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
        } else {
            result = try curl(args)
        }
        #expect(result.status == status)
        #expect(self.code(in: result.body) == code)
    }

    @Test func keepAliveServesPipelinedRequestsInOrder() throws {
        let server = try TestServer()
        let stream = try server.stream()
        let response = try rawHTTP(stream, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let statuses = response.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
        // rawHTTP stops reading at the first complete response; read the rest.
        var all = response
        while !stream.peerClosed, let more = try? stream.read(timeout: .seconds(2)), !more.isEmpty { all += String(decoding: more, as: UTF8.self) }
        let allStatuses = all.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
        #expect(statuses.first == "200")
        #expect(allStatuses == ["200", "404", "200"])
    }

    @Test func malformedRequestGets400AndTheConnectionCloses() throws {
        let server = try TestServer()
        let stream = try server.stream()
        let response = try rawHTTP(stream, "GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 400 Bad Request"))
        #expect(response.contains(#""code":"bad_header""#))
        #expect(response.lowercased().contains("connection: close"))
    }

    @Test func slowlorisGets408WithinTheHeaderDeadline() throws {
        let server = try TestServer { $0.http.headerDeadline = .milliseconds(600) }
        let stream = try server.stream()
        let clock = SystemClock()
        let start = clock.now()
        // Dribble a header, one byte every 100 ms, never finishing.
        var response = ""
        for byte in Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8) {
            try? stream.write([byte])
            if let got = try? stream.read(timeout: .milliseconds(100)), !got.isEmpty {
                response += String(decoding: got, as: UTF8.self)
                break
            }
        }
        while !stream.peerClosed, let more = try? stream.read(timeout: .seconds(2)), !more.isEmpty {
            response += String(decoding: more, as: UTF8.self)
        }
        let elapsed = clock.now().since(start)
        #expect(response.hasPrefix("HTTP/1.1 408"))
        #expect(response.contains(#""code":"request_timeout""#))
        #expect(elapsed < .seconds(3))
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        let server = try TestServer { $0.http.keepAliveTimeout = .milliseconds(300) }
        let stream = try server.stream()
        _ = try rawHTTP(stream, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(eventually(timeout: .seconds(3)) {
            _ = try? stream.read(timeout: .milliseconds(100))
            return stream.peerClosed
        })
    }

    @Test func tlsHandshakeMustFinishInTime() throws {
        let server = try TestServer(tls: true) { $0.tlsHandshakeTimeout = .milliseconds(300) }
        // A plain TCP connection that never starts the handshake.
        let stream = try BlockingStreamFactory.plain(port: server.port)
        #expect(eventually(timeout: .seconds(3)) {
            _ = try? stream.read(timeout: .milliseconds(100))
            return stream.peerClosed
        })
    }

    @Test func plaintextOnAPublicAddressIsRefused() {
        var config = ServerConfiguration()
        config.host = "0.0.0.0"
        config.port = 0
        #expect(throws: ServerError.self) { _ = try Server(configuration: config) }
    }
}

import RelaisWebSocket

enum BlockingStreamFactory {
    static func plain(port: UInt16) throws -> BlockingStream {
        try BlockingStream(host: "127.0.0.1", port: port)
    }
}

/// `/metrics` in the Prometheus text format, as a scraper reads it.
@Suite struct MetricsTests {
    @Test func metricsExposeCountersGaugesAndHistograms() throws {
        let server = try TestServer.signalling(tls: true)
        let (doc, pat) = try admittedVisit(server, room: "metrics-visit")
        try pat.send(["type": "ping", "t": 1])
        try pat.expect("pong")
        try doc.send(["type": "offer", "to": "nobody", "sdp": "v=0"])
        try doc.expect("error")
        usleep(600_000)  // let the loop-lag timer fire once
        let result = try run("curl", ["-s", "--cacert", TestCertificates.certificate, "https://localhost:\(server.port)/metrics"])
        let text = result.stdout
        for needle in ["# TYPE relais_connections_accepted_total counter", #"relais_tls_handshakes_total{result="ok"}"#,
                       #"relais_signal_messages_total{type="join"} 2"#, #"relais_signal_messages_total{type="ping"} 1"#,
                       #"relais_signal_errors_total{code="unknown_participant"} 1"#, "relais_visits_live 1",
                       #"relais_participants{state="connected"} 2"#, "relais_event_loop_lag_seconds_bucket",
                       "relais_websockets_open 2", "relais_quality_mos"] {
            #expect(text.contains(needle), "missing \(needle)")
        }
        // Nothing identifying: no visit or participant ids in metrics.
        #expect(!text.contains("metrics-visit") && !text.contains("\"pat\""))
    }
}
