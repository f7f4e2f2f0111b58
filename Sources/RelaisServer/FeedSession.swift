import RelaisCore
import RelaisPosix
import RelaisWebSocket

/// One `/api/v1/feed` subscriber. The connection was authorised before the upgrade (`FeedRoute`); this handler only
/// registers with the `FeedHub` while the connection is open and writes what the hub hands it. The feed is one-way:
/// client messages are ignored (browsers answer the server's pings, which keeps the idle timer satisfied).
final class FeedSession: WebSocketHandler {
    let loop: EventLoop
    let feed: FeedHub
    let filter: FeedFilter
    private weak var connection: (any WebSocketSession)?
    private var subscriberID: UInt64?

    init(loop: EventLoop, feed: FeedHub, filter: FeedFilter) {
        self.loop = loop
        self.feed = feed
        self.filter = filter
    }

    func didOpen(_ session: any WebSocketSession) {
        connection = session
        subscriberID = session.connectionID
        // First message: what this subscription covers, so a client can tell its filter was understood.
        var json = JSONWriter(capacity: 128)
        json.beginObject()
        json.field("type", "subscribed")
        if let visit = filter.visit { json.field("visit", visit) }
        json.key("types")
        json.beginArray()
        for family in FeedFamily.allCases where filter.families.contains(family) { json.value(family.rawValue) }
        json.endArray()
        json.field("overviewIntervalSeconds", Int(FeedOverview.intervalSeconds))
        json.endObject()
        session.send(text: json.bytes)
        feed.subscribe(FeedSubscriber(id: session.connectionID, loop: loop, filter: filter, session: self))
    }

    func didReceive(text: [UInt8], from session: any WebSocketSession) {}
    func didReceive(binary: [UInt8], from session: any WebSocketSession) {}

    func didClose(_ session: any WebSocketSession, code: WebSocketCloseCode?, reason: String) {
        if let subscriberID { feed.unsubscribe(id: subscriberID) }
        subscriberID = nil
    }

    /// Called on this loop by the hub. A full send queue makes the connection close itself with 4503.
    func deliver(_ bytes: [UInt8]) {
        connection?.send(text: bytes)
    }
}
