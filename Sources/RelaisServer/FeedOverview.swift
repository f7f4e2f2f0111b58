import RelaisCore
import RelaisPosix
import RelaisQuality

/// The feed's periodic `overview`: the fleet (visits and participants by level, percentiles, worst visits) merged over
/// every loop, the same figures as `GET /api/v1/overview`, so a dashboard on the feed needs no polling at all.
enum FeedOverview {
    static let intervalSeconds: Int64 = 5

    /// Starts the timer on `loop`. Each tick costs one atomic load while nobody is subscribed.
    static func start(feed: FeedHub, service: SignallingService, loop: EventLoop) {
        loop.execute { schedule(feed: feed, service: service, loop: loop) }
    }

    private static func schedule(feed: FeedHub, service: SignallingService, loop: EventLoop) {
        loop.scheduleTimer(after: .seconds(intervalSeconds)) {
            if feed.isActive { publish(feed: feed, service: service) }
            schedule(feed: feed, service: service, loop: loop)
        }
    }

    static func publish(feed: FeedHub, service: SignallingService) {
        service.gather({ hub in (hub.quality.fleetSnapshot(), hub.rooms.count, hub.nowMs) }, done: { parts, loop in
            var fleet = FleetSnapshot()
            for (snapshot, _, _) in parts { fleet.merge(snapshot) }
            let live = parts.reduce(0) { $0 + $1.1 }
            let now = parts.map(\.2).max() ?? 0
            let bytes = SignalHub.event("overview", visit: nil, timeMs: now) { json in
                QualityJSON.writeFleet(fleet, liveVisits: live, into: &json)
            }
            feed.publish(.overview, visit: nil, bytes, from: loop)
        })
    }
}
