import RelaisStore
import RelaisCore
import RelaisPosix
import RelaisSignalling
import Synchronization

/// Everything `/v1/signal` shares across loops: configuration, token checks, limits, audit log, room hubs.
final class SignallingService: Sendable {
    let configuration: ServerConfiguration
    let verifier: TokenVerifier
    let replayCache = TokenReplayCache()
    let joinLimiter: JoinRateLimiter
    let audit: AuditWriter?
    /// Mints tokens for `POST /api/v1/visits` (default secret, else the first keyed one).
    let minter: TokenMinter?
    /// One hub per loop; a room lives on `hubs[hash(room) % count]`.
    let hubs: [LoopBound<SignalHub>]

    let metrics: ServerMetrics
    let store: Store?

    /// The live feed's subscribers (`/api/v1/feed`); the hubs publish to it.
    let feed: FeedHub

    init(configuration: ServerConfiguration, loops: [EventLoop], audit: AuditWriter?, metrics: ServerMetrics, store: Store?,
         feed: FeedHub) {
        self.feed = feed
        self.metrics = metrics
        self.store = store
        self.configuration = configuration
        verifier = TokenVerifier(keys: configuration.tokenKeys)
        joinLimiter = JoinRateLimiter(perMinute: configuration.joinsPerAddressPerMinute)
        self.audit = audit
        if let secret = configuration.tokenKeys.defaultSecret {
            minter = TokenMinter(secret: String(decoding: secret, as: UTF8.self))
        } else if let (kid, secret) = configuration.tokenKeys.keysByID.sorted(by: { $0.key < $1.key }).first {
            minter = TokenMinter(secret: String(decoding: secret, as: UTF8.self), keyID: kid)
        } else {
            minter = nil
        }
        var hubs: [LoopBound<SignalHub>] = []
        for loop in loops {
            hubs.append(LoopBound(SignalHub(loop: loop, configuration: configuration.signalling, audit: audit, metrics: metrics,
                                            store: store, feed: feed), on: loop))
        }
        self.hubs = hubs
    }

    /// The hub owning `roomID` (FNV-1a: stable, cheap, evenly spread for short ids).
    func hub(forRoom roomID: String) -> LoopBound<SignalHub> {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in roomID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hubs[Int(hash % UInt64(hubs.count))]
    }

    func recordAuthFailure(code: String, nowMs: Int64) {
        audit?.append(AuditEvent(kind: .authFailed, detail: code, timeMs: nowMs))
    }

    /// Runs `body` on every hub's loop and calls `done` (on the loop that answered last) with all results, in any
    /// order. Loop-owned state is only ever read on its loop; this is how fleet-wide views are assembled.
    func gather<T: Sendable>(_ body: @escaping @Sendable (SignalHub) -> T, done: @escaping @Sendable ([T], EventLoop) -> Void) {
        let hubs = self.hubs
        let results = Mutex<[T]>([])
        for hub in hubs {
            hub.loop.execute {
                let value = body(hub.value)
                let all = results.withLock { r -> [T]? in
                    r.append(value)
                    return r.count == hubs.count ? r : nil
                }
                if let all { done(all, hub.loop) }
            }
        }
    }
}
