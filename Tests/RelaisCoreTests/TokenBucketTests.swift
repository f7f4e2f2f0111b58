import RelaisCore
import Testing

struct TokenBucketTests {
    /// Takes one token per instant and reports which takes succeeded.
    private func takes(_ bucket: inout TokenBucket, at instants: [MonotonicTime]) -> [Bool] {
        instants.map { bucket.take(now: $0) }
    }

    @Test func allowsTheBurstThenRefillsAtTheRate() {
        let start = MonotonicTime(nanoseconds: 1_000_000_000)
        var bucket = TokenBucket(capacity: 3, ratePerSecond: 10, now: start)
        #expect(takes(&bucket, at: [start, start, start, start]) == [true, true, true, false])
        // 100 ms at 10/s refills one token.
        let later = start + .milliseconds(100)
        #expect(takes(&bucket, at: [later, later]) == [true, false])
    }

    @Test func neverExceedsCapacity() {
        let start = MonotonicTime(nanoseconds: 0)
        var bucket = TokenBucket(capacity: 2, ratePerSecond: 1000, now: start)
        let muchLater = start + .seconds(60)
        #expect(takes(&bucket, at: [muchLater, muchLater, muchLater]) == [true, true, false])
    }

    @Test func clockGoingBackwardsDoesNotRefill() {
        let start = MonotonicTime(nanoseconds: 5_000_000_000)
        var bucket = TokenBucket(capacity: 1, ratePerSecond: 1, now: start)
        #expect(takes(&bucket, at: [start, MonotonicTime(nanoseconds: 1)]) == [true, false])
    }
}
