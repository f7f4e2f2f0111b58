import RelaisSignalling
import CoreMetrics
import RelaisHTTP
import RelaisPosix
import RelaisQuality
import Synchronization

/// `GET /metrics`: Prometheus text exposition. Gauges of loop-owned state are refreshed from every loop first.
/// Unauthenticated like `/healthz` (scrapers rarely carry bearer tokens); it holds counts only, no identifiers.
enum MetricsRoute {
    static func make(service: SignallingService, metrics: ServerMetrics, shutdownFlag: ShutdownFlag) -> Route {
        .deferred { _, _, responder in
            let hubs = service.hubs
            let results = Mutex<[(visits: Int, states: [String: Int], levels: [String: Int])]>([])
            for hub in hubs {
                hub.loop.execute {
                    let h = hub.value
                    var states: [String: Int] = [:]
                    for room in h.rooms.values {
                        for p in room.participantSummaries { states[p.state, default: 0] += 1 }
                    }
                    let fleet = h.quality.fleetSnapshot()
                    var levels: [String: Int] = [:]
                    for level in QualityLevel.allCases { levels[level.name] = fleet.participants(at: level) }
                    let all = results.withLock { r -> [(visits: Int, states: [String: Int], levels: [String: Int])]? in
                        r.append((h.rooms.count, states, levels))
                        return r.count == hubs.count ? r : nil
                    }
                    guard let all else { return }
                    metrics.visitsLive.record(all.reduce(0) { $0 + $1.visits })
                    metrics.setParticipants(all.reduce(into: [:]) { acc, r in r.states.forEach { acc[$0.key, default: 0] += $0.value } })
                    metrics.setLevels(all.reduce(into: [:]) { acc, r in r.levels.forEach { acc[$0.key, default: 0] += $0.value } })
                    responder.respond(HTTPResponse(status: .ok, body: metrics.exposition(),
                                                   contentType: "text/plain; version=0.0.4; charset=utf-8"))
                }
            }
        }
    }
}
