/// A token bucket rate limiter: `capacity` tokens, refilled continuously at `ratePerSecond`.
///
/// Time comes in as `MonotonicTime`, so the same value type serves per-connection message limits and
/// per-address join limits, and tests drive it without sleeping.
public struct TokenBucket: Sendable, Equatable {
    public let capacity: Double
    public let ratePerSecond: Double
    private var tokens: Double
    private var last: MonotonicTime

    public init(capacity: Int, ratePerSecond: Double, now: MonotonicTime) {
        self.capacity = Double(capacity)
        self.ratePerSecond = ratePerSecond
        tokens = Double(capacity)
        last = now
    }

    /// Takes `cost` tokens if available; false means "over the limit".
    public mutating func take(_ cost: Double = 1, now: MonotonicTime) -> Bool {
        if now > last {
            let elapsed = Double(now.nanoseconds - last.nanoseconds) / 1e9
            tokens = min(capacity, tokens + elapsed * ratePerSecond)
            last = now
        }
        guard tokens >= cost else { return false }
        tokens -= cost
        return true
    }

    public var available: Double { tokens }
}
