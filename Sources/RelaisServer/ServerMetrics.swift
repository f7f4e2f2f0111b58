import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The server's metrics through swift-metrics, backed by a swift-prometheus registry owned by this server (not
/// the process-global bootstrap, so several servers in one test process keep separate figures).
///
/// Hot-path handles are created once; incrementing one is an atomic add. Gauges that describe state owned by
/// the loops (open connections, visits, levels) are set when `/metrics` is scraped.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    let connectionsAccepted: CoreMetrics.Counter
    let tlsHandshakesOK: CoreMetrics.Counter
    let tlsHandshakesFailed: CoreMetrics.Counter
    let sendQueueOverflows: CoreMetrics.Counter
    let loopLag: CoreMetrics.Timer
    let mos: Recorder
    let rttMs: Recorder
    let jitterMs: Recorder
    let lossPct: Recorder
    let connectionsOpen: CoreMetrics.Gauge
    let webSocketsOpen: CoreMetrics.Gauge
    let visitsLive: CoreMetrics.Gauge
    private let messageCounters: [String: CoreMetrics.Counter]
    private let errorCounters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let stateGauges: [String: CoreMetrics.Gauge]
    private let levelGauges: [String: CoreMetrics.Gauge]

    static let messageTypes = ["join", "offer", "answer", "candidate", "admit", "deny", "remove", "end", "consent", "stats", "ping",
                               "ack", "leave", "invalid"]
    static let participantStates = ["lobby", "connected", "reconnecting"]
    static let levels = ["EXCELLENT", "GOOD", "FAIR", "POOR", "LOST", "unknown"]

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets = [
            "relais_quality_mos": [1, 1.5, 2, 2.5, 3, 3.5, 3.8, 4.0, 4.2, 4.4, 4.5],
            "relais_quality_rtt_ms": [10, 25, 50, 100, 150, 200, 300, 500, 1000, 2000],
            "relais_quality_jitter_ms": [1, 2, 5, 10, 20, 30, 50, 100, 200],
            "relais_quality_loss_pct": [0.1, 0.5, 1, 2, 3, 5, 10, 20, 50],
        ]
        factory.durationHistogramBuckets = [
            "relais_event_loop_lag_seconds": [.microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5),
                                              .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1)],
        ]
        self.factory = factory
        connectionsAccepted = CoreMetrics.Counter(label: "relais_connections_accepted_total", factory: factory)
        tlsHandshakesOK = CoreMetrics.Counter(label: "relais_tls_handshakes_total", dimensions: [("result", "ok")], factory: factory)
        tlsHandshakesFailed = CoreMetrics.Counter(label: "relais_tls_handshakes_total", dimensions: [("result", "failed")], factory: factory)
        sendQueueOverflows = CoreMetrics.Counter(label: "relais_send_queue_overflows_total", factory: factory)
        loopLag = CoreMetrics.Timer(label: "relais_event_loop_lag_seconds", factory: factory)
        mos = Recorder(label: "relais_quality_mos", factory: factory)
        rttMs = Recorder(label: "relais_quality_rtt_ms", factory: factory)
        jitterMs = Recorder(label: "relais_quality_jitter_ms", factory: factory)
        lossPct = Recorder(label: "relais_quality_loss_pct", factory: factory)
        connectionsOpen = CoreMetrics.Gauge(label: "relais_connections_open", factory: factory)
        webSocketsOpen = CoreMetrics.Gauge(label: "relais_websockets_open", factory: factory)
        visitsLive = CoreMetrics.Gauge(label: "relais_visits_live", factory: factory)
        var messages: [String: CoreMetrics.Counter] = [:]
        for type in Self.messageTypes {
            messages[type] = CoreMetrics.Counter(label: "relais_signal_messages_total", dimensions: [("type", type)], factory: factory)
        }
        messageCounters = messages
        var states: [String: CoreMetrics.Gauge] = [:]
        for state in Self.participantStates {
            states[state] = CoreMetrics.Gauge(label: "relais_participants", dimensions: [("state", state)], factory: factory)
        }
        stateGauges = states
        var levels: [String: CoreMetrics.Gauge] = [:]
        for level in Self.levels {
            levels[level] = CoreMetrics.Gauge(label: "relais_quality_participants", dimensions: [("level", level)], factory: factory)
        }
        levelGauges = levels
    }

    /// Reads (open connections, open WebSockets) at scrape time; set by the server once its context exists.
    let openCounts = Mutex<(@Sendable () -> (Int, Int))?>(nil)

    /// Counts one client message by type (unknown types count as `invalid`).
    func message(_ type: String) {
        (messageCounters[type] ?? messageCounters["invalid"])?.increment()
    }

    /// Counts one `error` sent to a client, by code (a closed set, so the label space is bounded).
    func error(_ code: String) {
        let counter = errorCounters.withLock { table -> CoreMetrics.Counter in
            if let c = table[code] { return c }
            let c = CoreMetrics.Counter(label: "relais_signal_errors_total", dimensions: [("code", code)], factory: factory)
            table[code] = c
            return c
        }
        counter.increment()
    }

    func setParticipants(_ counts: [String: Int]) {
        for (state, gauge) in stateGauges { gauge.record(counts[state] ?? 0) }
    }

    func setLevels(_ counts: [String: Int]) {
        for (level, gauge) in levelGauges { gauge.record(counts[level] ?? 0) }
    }

    /// The Prometheus text exposition (version 0.0.4).
    func exposition() -> [UInt8] {
        if let read = openCounts.withLock({ $0 }) {
            let (connections, webSockets) = read()
            connectionsOpen.record(connections)
            webSocketsOpen.record(webSockets)
        }
        var out: [UInt8] = []
        registry.emit(into: &out)
        return out
    }
}
