import Foundation
import GRDB
import Synchronization

/// SQLite persistence (GRDB, WAL mode) of ended visits and quality windows.
///
/// Event loops never touch the database: they `enqueue` writes, and a writer thread commits everything queued in
/// one transaction every `flushInterval` (so a crash loses at most that much of quality history; the audit log has
/// its own, stricter writer). Reads (the API, after a restart) go through the pool's concurrent readers.
public final class Store: Sendable {
    let pool: DatabasePool
    private let queue = Mutex<(writes: [StoreWrite], closed: Bool)>(([], false))
    private let idle = Atomic<Bool>(true)
    private let finished = Atomic<Bool>(false)
    public let flushInterval: Duration

    public init(path: String, flushInterval: Duration = .seconds(1)) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        pool = try DatabasePool(path: path, configuration: configuration)
        self.flushInterval = flushInterval
        try Self.migrator.migrate(pool)
        let thread = Thread { [self] in run() }
        thread.name = "relais-store"
        thread.start()
    }

    /// Queues a write (any thread).
    public func enqueue(_ write: StoreWrite) {
        queue.withLock { $0.writes.append(write) }
    }

    /// Blocks until everything queued before the call is committed.
    public func flush() {
        while true {
            let empty = queue.withLock { $0.writes.isEmpty }
            if empty && idle.load(ordering: .acquiring) { return }
            usleep(2_000)
        }
    }

    /// Commits what is queued and stops the writer (clean shutdown).
    public func close() {
        queue.withLock { $0.closed = true }
        while !finished.load(ordering: .acquiring) { usleep(2_000) }
    }

    private func run() {
        let intervalMicros = UInt32(min(flushInterval.components.seconds * 1_000_000 + flushInterval.components.attoseconds / 1_000_000_000_000, 60_000_000))
        while true {
            let (writes, closed) = queue.withLock { state -> ([StoreWrite], Bool) in
                let taken = state.writes
                state.writes.removeAll(keepingCapacity: true)
                if !taken.isEmpty { idle.store(false, ordering: .releasing) }
                return (taken, state.closed)
            }
            if !writes.isEmpty {
                do { try commit(writes) } catch {
                    // A failed commit is retried with the next batch rather than dropped.
                    queue.withLock { $0.writes.insert(contentsOf: writes, at: 0) }
                }
                idle.store(true, ordering: .releasing)
            } else if closed {
                finished.store(true, ordering: .releasing)
                return
            }
            if !closed { usleep(writes.isEmpty ? min(intervalMicros, 50_000) : intervalMicros) }
        }
    }

    private func commit(_ writes: [StoreWrite]) throws {
        try pool.write { db in
            for write in writes {
                switch write {
                case .points(let points):
                    try insert(points, db)
                case .visitEnded(let visit, let points):
                    try insert(points, db)
                    try db.execute(sql: """
                        INSERT INTO visit (id, created_at, ended_at, end_reason, ends_at, consent_required, max_participants,
                                           level, participants, summary)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET ended_at = excluded.ended_at, end_reason = excluded.end_reason,
                            level = excluded.level, participants = excluded.participants, summary = excluded.summary
                        """, arguments: [visit.id, visit.createdAtMs, visit.endedAtMs, visit.endReason, visit.endsAtMs,
                                         visit.consentRequired, visit.maxParticipants, visit.level, visit.participantsJSON,
                                         visit.summaryJSON])
                }
            }
        }
    }

    private func insert(_ points: [StoredPoint], _ db: Database) throws {
        for p in points {
            try db.execute(sql: """
                INSERT OR REPLACE INTO quality_point (visit_id, start_ms, duration_ms, level, mos, rtt_ms, jitter_ms, loss_pct)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [p.visitID, p.startMs, p.durationMs, p.level, p.mos, p.rttMs, p.jitterMs, p.lossPct])
        }
    }
}
