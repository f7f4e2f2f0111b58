import GRDB

extension Store {
    /// Schema migrations, applied in order on open. Never edit a shipped migration: add the next one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: visits and quality windows") { db in
            try db.execute(sql: """
                CREATE TABLE visit (
                    id TEXT PRIMARY KEY NOT NULL,
                    created_at INTEGER NOT NULL,
                    ended_at INTEGER,
                    end_reason TEXT,
                    ends_at INTEGER,
                    consent_required INTEGER NOT NULL,
                    max_participants INTEGER NOT NULL,
                    level TEXT NOT NULL,
                    participants TEXT NOT NULL,
                    summary TEXT
                );
                CREATE INDEX visit_by_created ON visit (created_at DESC, id DESC);
                CREATE INDEX visit_by_ended ON visit (ended_at);
                CREATE TABLE quality_point (
                    visit_id TEXT NOT NULL,
                    start_ms INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    level TEXT NOT NULL,
                    mos REAL, rtt_ms REAL, jitter_ms REAL, loss_pct REAL,
                    PRIMARY KEY (visit_id, start_ms)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }()
}
