import Synchronization

/// Remembers spent single-use token ids (`jti`) until the token would have expired anyway, so a patient's join
/// link works once. Shared by every loop (joins are rare, a mutex is fine).
public final class TokenReplayCache: Sendable {
    private let spent = Mutex<[String: Int64]>([:])
    private let capacity: Int

    public init(capacity: Int = 100_000) { self.capacity = capacity }

    /// Marks `jti` as used; false if it already was. Expired entries are purged as the cache fills.
    public func use(_ jti: String, expiresAt: Int64, nowSeconds: Int64) -> Bool {
        spent.withLock { table in
            if let until = table[jti], until >= nowSeconds { return false }
            if table.count >= capacity {
                table = table.filter { $0.value >= nowSeconds }
                // Still full of live tokens: refuse rather than forget one (forgetting would allow a replay).
                if table.count >= capacity { return false }
            }
            table[jti] = expiresAt
            return true
        }
    }
}
