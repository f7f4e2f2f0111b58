// RelaisQuality: a visit's time series, capped, in a ring of fixed-size chunks.

/// The points of a visit's time series, oldest first, at most ``capacity`` of them: when full,
/// the oldest quarter is dropped at once (as `removeFirst(capacity / 4)` on an array would).
///
/// Stored as a ring of chunks of ``chunkSize`` points (2 h at the visit cap, a quarter is 3
/// chunks). As one `Array` with `removeFirst`, a drop moved the remaining 12 960 points (~1.2 M
/// instructions every 4 320 windows) and growth by doubling copied the whole series (16 384
/// points, 1.5 MB, once a visit reaches 22.8 h: 160 instructions per report over the 20 000
/// reports `scripts/quality-instructions` compares) into a capacity of 32 768. Here only the
/// first chunk grows by copying; later chunks are allocated at their full size (one allocation
/// every 2 h), and dropped chunks are emptied and reused as the newest, so nothing is copied or
/// allocated once a visit is 24 h old. ``points`` shares the storage while there is one chunk
/// (visits under 2 h), else it copies.
struct PointSeries {
    let capacity: Int
    let chunkSize: Int
    /// A ring of chunks; `first` is the oldest. Every chunk but the newest is full.
    private var chunks: [[QualityPoint]] = []
    private var first = 0
    private(set) var count = 0

    /// `capacity` must be a multiple of `4 * chunkSize` (a dropped quarter is whole chunks).
    init(capacity: Int, chunkSize: Int) {
        precondition(chunkSize > 0 && capacity % (4 * chunkSize) == 0, "a quarter of the series must be whole chunks")
        self.capacity = capacity
        self.chunkSize = chunkSize
    }

    /// Appends `p`, first dropping the oldest quarter if the series is full.
    mutating func append(_ p: QualityPoint) {
        if count == capacity { dropOldestQuarter() }
        let j = count / chunkSize  // the new point's chunk, counted from the oldest
        if j == chunks.count {
            // Only before the first drop (then `first` is 0): after it, the ring has all its chunks.
            var chunk = [QualityPoint]()
            // The first chunk grows by doubling (short visits stay small); the others are
            // allocated whole, so they never copy.
            chunk.reserveCapacity(chunks.isEmpty ? 16 : chunkSize)
            chunks.append(chunk)
        }
        var k = first + j
        if k >= chunks.count { k -= chunks.count }
        if chunks[k].count == chunks[k].capacity {
            chunks[k].reserveCapacity(Swift.min(2 * chunks[k].capacity, chunkSize))
        }
        chunks[k].append(p)
        count += 1
    }

    /// Empties the oldest quarter's chunks (keeping their storage) and makes them the newest.
    private mutating func dropOldestQuarter() {
        let dropped = capacity / 4 / chunkSize
        for k in 0..<dropped {
            chunks[(first + k) % chunks.count].removeAll(keepingCapacity: true)
        }
        first = (first + dropped) % chunks.count
        count -= dropped * chunkSize
    }

    /// The points that start after `startMs`, oldest first, found from the newest end: the cost
    /// is the number returned, not the length of the series (points are in time order).
    func points(after startMs: Int64) -> [QualityPoint] {
        var newest: [QualityPoint] = []
        var k = first + chunks.count - 1
        for _ in 0..<chunks.count {
            if k >= chunks.count { k -= chunks.count }
            for p in chunks[k].reversed() {
                guard p.startMs > startMs else { return newest.reversed() }
                newest.append(p)
            }
            k += chunks.count - 1
        }
        return newest.reversed()
    }

    /// The points, oldest first. Shares the storage (no copy) while there is a single chunk.
    var points: [QualityPoint] {
        if chunks.count == 1 { return chunks[0] }
        var result = [QualityPoint]()
        result.reserveCapacity(count)
        var left = count
        var k = first
        while left > 0 {
            result += chunks[k]
            left -= chunks[k].count
            k = k + 1 == chunks.count ? 0 : k + 1
        }
        return result
    }
}
