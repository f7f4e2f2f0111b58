import Foundation
import RelaisServer
import RelaisSignalling
import Testing

/// `/dashboard`: the embedded files, and the page in headless Chromium against live visits (Scripts/dashboard.py).
@Suite struct DashboardTests {
    static let adminToken = "dashboard-admin-token"

    @Test(arguments: [("/dashboard", "text/html"), ("/dashboard/", "text/html"), ("/dashboard/dashboard.html", "text/html"),
                      ("/dashboard/dashboard.css", "text/css"), ("/dashboard/dashboard.js", "text/javascript")])
    func filesAreServedWithTypeNoStoreAndAStrictPolicy(path: String, type: String) throws {
        let server = try TestServer.signalling()
        let result = try run("curl", ["-s", "--max-time", "10", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(server.port)\(path)"])
        let head = result.stdout.lowercased()
        #expect(head.hasPrefix("http/1.1 200"), "\(path): \(result.stdout)")
        #expect(head.contains("content-type: \(type)"))
        #expect(head.contains("cache-control: no-store"))
        #expect(head.contains("content-security-policy: default-src 'self'"))
    }

    /// A live visit created through the API, two participants sending stats, and the page showing it: level in the
    /// list, a visit pushed by the feed, the fleet overview, four charts drawn, no console error, a screenshot.
    @Test(.timeLimit(.minutes(2)))
    func dashboardShowsALiveVisitAndChartsItInChromium() throws {
        let environment = ProcessInfo.processInfo.environment
        let chromium = environment["CHROMIUM"] ?? "/usr/bin/chromium"
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            if environment["RELAIS_SKIP_BROWSER_TESTS"] == "1" { return }
            Issue.record("no Chromium at \(chromium): apt-get install chromium, or set RELAIS_SKIP_BROWSER_TESTS=1")
            return
        }
        let server = try TestServer.signalling { $0.adminTokens = [Self.adminToken] }
        let visit = "ward-\(UUID().uuidString.prefix(6).lowercased())"
        // The visit under test, a lossy one beside it, and one scheduled that nobody has joined yet.
        for (id, roles) in [(visit, #"[{"role":"clinician","id":"doc"},{"role":"patient","id":"pat"}]"#),
                            ("\(visit)-lossy", #"[{"role":"clinician","id":"doc"}]"#), ("\(visit)-later", #"[{"role":"clinician"}]"#)] {
            let created = try run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-X", "POST",
                                           "-H", "Authorization: Bearer \(Self.adminToken)", "-H", "Content-Type: application/json",
                                           "--data-binary", #"{"id":"\#(id)","participants":\#(roles)}"#,
                                           "http://127.0.0.1:\(server.port)/api/v1/visits"])
            #expect(created.stdout == "201")
        }
        let (doc, pat) = try admittedVisit(server, room: visit)
        let (lossyDoc, lossyPat) = try admittedVisit(server, room: "\(visit)-lossy")
        let reporter = StatsReporter(pairs: [(doc, pat, 0), (lossyDoc, lossyPat, 9)])
        reporter.start()
        defer { reporter.stop() }

        let artifacts = BrowserDemoTests.packageRoot.appendingPathComponent("test-artifacts/browser").path
        let started = Date()
        let result = try run("python3", [TestPaths.script("dashboard.py"), "http://127.0.0.1:\(server.port)", Self.adminToken, visit,
                                         artifacts], timeout: 100)
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let facts = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        #expect(result.status == 0 && facts["ok"] as? Bool == true, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(reporter.failure == nil, "\(reporter.failure ?? "")")
        guard facts["ok"] as? Bool == true else { return }
        #expect(["EXCELLENT", "GOOD"].contains(facts["level"] as? String ?? ""))
        #expect(Set(facts["visits_listed"] as? [String] ?? []).isSuperset(of: [visit, "\(visit)-lossy", "\(visit)-later"]))
        let charts = facts["charts"] as? [String: [String: Any]] ?? [:]
        #expect(Set(charts.keys) == ["mos", "rttMs", "jitterMs", "lossPct"])
        #expect(charts.values.allSatisfy { $0["drawn"] as? Bool == true && ($0["points"] as? Int ?? 0) >= 2 })
        let screenshot = artifacts + "/dashboard.png"
        #expect(((try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0) > 10_000)
        print("dashboard: \(String(format: "%.1f", Date().timeIntervalSince(started))) s, \(line)")
    }
}

/// Sends `stats` for each (clinician, patient) pair every 0.5 s on a thread of its own, both directions, with
/// `lossPercent` of the patient's packets lost, so the dashboard has live scores and growing series to show.
final class StatsReporter: @unchecked Sendable {
    private let pairs: [(SignalClient, SignalClient, Int)]
    private let lock = NSLock()
    private var running = true
    private var error: String?
    private let done = DispatchSemaphore(value: 0)

    init(pairs: [(SignalClient, SignalClient, Int)]) { self.pairs = pairs }

    var failure: String? { lock.lock(); defer { lock.unlock() }; return error }

    func start() {
        Thread.detachNewThread { [self] in
            var t = 0.0
            while lock.withLock({ running }) {
                do {
                    for (doc, pat, loss) in pairs {
                        try pat.send(["type": "stats", "report": Self.report(t: t, lossPercent: loss), "peer": "doc"])
                        try doc.send(["type": "stats", "report": Self.report(t: t, lossPercent: 0), "peer": "pat"])
                        // Drain what the server sends back (quality messages) so nothing piles up.
                        for client in [doc, pat] { while (try? client.next(timeout: .milliseconds(1))) != nil {} }
                    }
                } catch {
                    lock.withLock { self.error = "\(error)" }
                    break
                }
                t += 0.5
                usleep(500_000)
            }
            done.signal()
        }
    }

    func stop() {
        lock.withLock { running = false }
        done.wait()
    }

    static func report(t: Double, lossPercent: Int) -> [String: Any] {
        var report = QualityWiringTests.compactReport(t: t)
        guard lossPercent > 0, var streams = report["streams"] as? [[String: Any]] else { return report }
        let received = Int(t * 50)
        streams[0]["packetsLost"] = received * lossPercent / (100 - lossPercent)
        streams[0]["roundTripTime"] = 0.18
        streams[0]["jitter"] = 0.03
        report["streams"] = streams
        report["roundTripTime"] = 0.18
        return report
    }
}
