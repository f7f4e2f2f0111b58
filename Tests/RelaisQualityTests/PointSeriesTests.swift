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

    @Test("the points after a time are the array's, found from the newest end, across chunks and drops",
          arguments: [(16, 4), (16, 1), (48, 12)])
    func pointsAfter(_ capacity: Int, _ chunkSize: Int) {
        var ring = PointSeries(capacity: capacity, chunkSize: chunkSize)
        var array: [QualityPoint] = []
        #expect(ring.points(after: .min).isEmpty)
        for i in 0..<(3 * capacity + 5) {
            if array.count >= capacity { array.removeFirst(capacity / 4) }
            array.append(Self.point(i))
            ring.append(Self.point(i))
            for back in [0, 1, chunkSize, chunkSize + 1, array.count - 1, array.count, array.count + 3] {
                let after = Int64(i - back) * 5_000
                #expect(ring.points(after: after) == array.filter { $0.startMs > after })
            }
            #expect(ring.points(after: .min) == array)
        }
    }
}
