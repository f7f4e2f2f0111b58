import Foundation
import RelaisServer
import Testing

/// `contrib/grafana-relais.json` is importable JSON whose queries only use series a real `/metrics` scrape has: every
/// metric name, and every label the queries group or filter by. A renamed metric fails here, not on an ops screen.
@Suite struct GrafanaDashboardTests {
    static let path = BrowserDemoTests.packageRoot.appendingPathComponent("contrib/grafana-relais.json")

    /// Every `expr` in the dashboard (panels, rows' nested panels) and in template variables' queries.
    static func expressions(in value: Any) -> [String] {
        switch value {
        case let object as [String: Any]:
            var found = object.compactMap { key, v in (key == "expr" || key == "definition") ? v as? String : nil }
            for (key, v) in object where key != "expr" && key != "definition" { found += expressions(in: v) }
            return found
        case let array as [Any]:
            return array.flatMap { expressions(in: $0) }
        default:
            return []
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func dashboardIsWellFormedAndEveryQueriedSeriesIsScraped() throws {
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.path)) as? [String: Any])
        #expect(dashboard["uid"] as? String == "relais-overview")
        #expect(dashboard["schemaVersion"] is Int)
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids must be unique")
        #expect(panels.allSatisfy { $0["gridPos"] is [String: Any] && $0["title"] is String })
        let queries = Self.expressions(in: dashboard)
        #expect(queries.count >= 20)

        // A scrape of a server that has seen a connection and a refused join (so the lazily created error counter exists).
        let server = try TestServer.signalling()
        let client = try SignalClient(server)
        try client.join("not-a-token")
        #expect(try client.expect("error")["code"] as? String != nil)
        let scrape = try run("curl", ["-s", "--max-time", "10", "http://127.0.0.1:\(server.port)/metrics"]).stdout
        var labels: [String: Set<String>] = [:]  // metric name -> label names seen on its samples
        for line in scrape.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            labels[name, default: []].formUnion(Self.matches(#"[{,]([a-zA-Z_]+)=""#, in: String(line)))
        }

        var referenced = Set<String>()
        for query in queries {
            let names = Set(Self.matches(#"\b(relais_[a-z_]+)\b"#, in: query))
            #expect(!names.isEmpty, "no Relais metric in \(query)")
            referenced.formUnion(names)
            for name in names { #expect(labels[name] != nil, "\(name) (in \(query)) is not in the /metrics scrape") }
            // Labels used in `by (...)` and in selectors must exist on the queried series (`le` on histogram buckets;
            // `instance` is added by Prometheus at scrape time).
            let known = names.reduce(into: Set(["instance"])) { $0.formUnion(labels[$1] ?? []) }
            let used = Self.matches(#"by \(([a-z_, ]+)\)"#, in: query).flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                + Self.matches(#"[{,]([a-z_]+)=~?""#, in: query)
            for label in used { #expect(known.contains(label), "label \(label) is not on \(names.sorted()) (\(query))") }
        }
        // Everything the issue asks the dashboard to show is there.
        for family in ["relais_connections_open", "relais_websockets_open", "relais_connections_accepted_total", "relais_visits_live",
                       "relais_participants", "relais_quality_participants", "relais_signal_messages_total", "relais_signal_errors_total",
                       "relais_tls_handshakes_total", "relais_send_queue_overflows_total", "relais_event_loop_lag_seconds_bucket",
                       "relais_quality_mos_bucket", "relais_quality_rtt_ms_bucket", "relais_quality_jitter_ms_bucket",
                       "relais_quality_loss_pct_bucket"] {
            #expect(referenced.contains(family), "the dashboard does not chart \(family)")
        }
    }
}
