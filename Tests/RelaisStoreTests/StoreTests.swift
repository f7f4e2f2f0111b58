import Foundation
import RelaisStore
import Testing

struct StoreTests {
    static func tempPath() -> String { NSTemporaryDirectory() + "relais-store-\(UUID().uuidString).sqlite" }

    static func visit(_ id: String, created: Int64, ended: Int64?) -> StoredVisit {
        StoredVisit(id: id, createdAtMs: created, endedAtMs: ended, endReason: ended == nil ? nil : "ended", endsAtMs: nil,
                    consentRequired: true, maxParticipants: 6, level: "GOOD", participantsJSON: #"[{"id":"p","role":"patient"}]"#,
                    summaryJSON: #"{"level":"GOOD"}"#)
    }

    static func point(_ id: String, _ t: Int64) -> StoredPoint {
        StoredPoint(visitID: id, startMs: t, durationMs: 5000, level: "GOOD", mos: 4.1, rttMs: 40, jitterMs: 5, lossPct: nil)
    }

    @Test func writesAreBatchedAndReadBack() throws {
        let store = try Store(path: Self.tempPath(), flushInterval: .milliseconds(50))
        store.enqueue(.points([Self.point("v1", 0), Self.point("v1", 5000)]))
        store.enqueue(.visitEnded(Self.visit("v1", created: 100, ended: 200), [Self.point("v1", 10_000)]))
        store.flush()
        #expect(try store.visit(id: "v1") == Self.visit("v1", created: 100, ended: 200))
        #expect(try store.points(visitID: "v1").map(\.startMs) == [0, 5000, 10_000])
        #expect(try store.points(visitID: "v1").first?.lossPct == nil)
        store.close()
    }

    @Test func endedVisitsArePagedNewestFirstWithFilters() throws {
        let store = try Store(path: Self.tempPath(), flushInterval: .milliseconds(10))
        for i in 0..<5 { store.enqueue(.visitEnded(Self.visit("v\(i)", created: Int64(i * 10), ended: Int64(i * 10 + 5)), [])) }
        store.flush()
        let page1 = try store.endedVisits(fromMs: nil, toMs: nil, after: nil, limit: 2).map(\.id)
        #expect(page1 == ["v4", "v3"])
        let page2 = try store.endedVisits(fromMs: nil, toMs: nil, after: (30, "v3"), limit: 2).map(\.id)
        #expect(page2 == ["v2", "v1"])
        #expect(try store.endedVisits(fromMs: 10, toMs: 30, after: nil, limit: 10).map(\.id) == ["v2", "v1"])
        store.close()
    }

    @Test func retentionRemovesOldVisitsAndTheirWindows() throws {
        let store = try Store(path: Self.tempPath(), flushInterval: .milliseconds(10))
        store.enqueue(.visitEnded(Self.visit("old", created: 0, ended: 1_000), [Self.point("old", 0)]))
        store.enqueue(.visitEnded(Self.visit("new", created: 5_000, ended: 9_000), [Self.point("new", 5_000)]))
        store.flush()
        #expect(try store.applyRetention(endedBeforeMs: 5_000) == 1)
        #expect(try store.visit(id: "old") == nil)
        #expect(try store.points(visitID: "old").isEmpty)
        #expect(try store.visit(id: "new") != nil)
        store.close()
    }

    @Test func dataSurvivesReopening() throws {
        let path = Self.tempPath()
        let first = try Store(path: path, flushInterval: .milliseconds(10))
        first.enqueue(.visitEnded(Self.visit("kept", created: 1, ended: 2), [Self.point("kept", 0)]))
        first.close()
        let second = try Store(path: path)
        #expect(try second.visit(id: "kept")?.level == "GOOD")
        #expect(try second.points(visitID: "kept").count == 1)
        second.close()
    }
}
