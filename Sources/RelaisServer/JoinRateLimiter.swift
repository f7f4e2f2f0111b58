import RelaisCore
import Synchronization

/// Joins per client address per minute (keyed by the salted address hash, never the address).
final class JoinRateLimiter: Sendable {
    private let buckets = Mutex<[UInt64: TokenBucket]>([:])
    let perMinute: Int

    init(perMinute: Int) { self.perMinute = perMinute }

    func allow(peerHash: UInt64, now: MonotonicTime) -> Bool {
        guard perMinute > 0 else { return true }
        return buckets.withLock { table in
            if table.count > 100_000 { table.removeAll() }  // bounded memory under an address-spraying attack
            var bucket = table[peerHash] ?? TokenBucket(capacity: perMinute, ratePerSecond: Double(perMinute) / 60, now: now)
            let ok = bucket.take(now: now)
            table[peerHash] = bucket
            return ok
        }
    }
}
