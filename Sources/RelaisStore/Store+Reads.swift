import GRDB

extension Store {
    /// Ended visits, newest first, optionally created in [from, to) and after a (createdAt, id) cursor.
    public func endedVisits(fromMs: Int64?, toMs: Int64?, after: (Int64, String)?, limit: Int) throws -> [StoredVisit] {
        try pool.read { db in
            var sql = "SELECT * FROM visit WHERE ended_at IS NOT NULL"
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let fromMs { sql += " AND created_at >= ?"; arguments.append(fromMs) }
            if let toMs { sql += " AND created_at < ?"; arguments.append(toMs) }
            if let (t, id) = after { sql += " AND (created_at < ? OR (created_at = ? AND id < ?))"; arguments += [t, t, id] }
            sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
            arguments.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.visit)
        }
    }

    public func visit(id: String) throws -> StoredVisit? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM visit WHERE id = ?", arguments: [id]).map(Self.visit) }
    }

    public func points(visitID: String) throws -> [StoredPoint] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM quality_point WHERE visit_id = ? ORDER BY start_ms", arguments: [visitID]).map { row in
                StoredPoint(visitID: row["visit_id"], startMs: row["start_ms"], durationMs: row["duration_ms"], level: row["level"],
                            mos: row["mos"], rttMs: row["rtt_ms"], jitterMs: row["jitter_ms"], lossPct: row["loss_pct"])
            }
        }
    }

    /// Deletes visits that ended before `cutoffMs`, with their windows. Returns how many visits went.
    @discardableResult
    public func applyRetention(endedBeforeMs cutoffMs: Int64) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM quality_point WHERE visit_id IN (SELECT id FROM visit WHERE ended_at < ?)", arguments: [cutoffMs])
            try db.execute(sql: "DELETE FROM visit WHERE ended_at < ?", arguments: [cutoffMs])
            return db.changesCount
        }
    }

    private static func visit(_ row: Row) -> StoredVisit {
        StoredVisit(id: row["id"], createdAtMs: row["created_at"], endedAtMs: row["ended_at"], endReason: row["end_reason"],
                    endsAtMs: row["ends_at"], consentRequired: row["consent_required"], maxParticipants: row["max_participants"],
                    level: row["level"], participantsJSON: row["participants"], summaryJSON: row["summary"])
    }
}
