// The visit's capped time series (a ring of chunks) against the array it replaced.
import Testing
@testable import RelaisQuality

struct PointSeriesTests {
    private static func point(_ i: Int) -> QualityPoint {
        QualityPoint(startMs: Int64(i) * 5_000, durationMs: 5_000, level: .good, mos: Double(i), rttMs: nil,
                     jitterMs: nil, lossPct: nil, scoredParticipants: 1)
    }

    @Test("the ring keeps what an array with removeFirst(capacity / 4) at the cap kept", arguments: [
        (16, 4), (16, 2), (16, 1), (48, 12), (VisitState.maxPoints, VisitState.maxPoints / 12),
    ])
    func matchesArray(_ capacity: Int, _ chunkSize: Int) {
        var ring = PointSeries(capacity: capacity, chunkSize: chunkSize)
        var array: [QualityPoint] = []
        #expect(ring.points.isEmpty)
        let n = 3 * capacity + capacity / 3
        let checks = Set([0, 1, chunkSize - 1, chunkSize, capacity - 1, capacity, capacity + 1, 2 * capacity, n - 1])
        for i in 0..<n {
            if array.count >= capacity { array.removeFirst(capacity / 4) }
            array.append(Self.point(i))
            ring.append(Self.point(i))
            #expect(ring.count == array.count)
            if checks.contains(i) || capacity <= 48 { #expect(ring.points == array) }
        }
    }
}
