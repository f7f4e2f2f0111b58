import RelaisPosix
import Synchronization

/// Event families a feed subscriber can ask for (`types=` in the feed URL).
enum FeedFamily: String, CaseIterable, Sendable {
    /// visit-started, visit-ended, participant-joined/-admitted/-left, consent.
    case visit
    /// quality windows: a participant's score, on a level change and at most every 5 s otherwise.
    case quality
    /// the fleet's counts by level, every 5 s.
    case overview
}

/// What one subscriber wants: an optional single visit and a set of families.
struct FeedFilter: Sendable, Equatable {
    var visit: String?
    var families: Set<FeedFamily> = Set(FeedFamily.allCases)

    /// Fleet-wide events (overview) carry no visit and pass a visit filter: a dashboard focused on one visit
    /// still wants the fleet's counts, and can leave them out with `types=`.
    func accepts(_ family: FeedFamily, visit eventVisit: String?) -> Bool {
        guard families.contains(family) else { return false }
        guard let visit, let eventVisit else { return true }
        return visit == eventVisit
    }
}

/// Where a subscriber's events go: its loop and (weakly) its handler.
///
/// `@unchecked Sendable` for the same reason as `SessionHandle`: it is carried to publishing loops only to be sent
/// back to `loop` with `execute`; the session is dereferenced on its own loop alone.
struct FeedSubscriber: @unchecked Sendable {
    let id: UInt64
    let loop: EventLoop
    let filter: FeedFilter
    weak var session: FeedSession?
}

/// The live feed's subscriber registry, shared by every loop.
///
/// Publishers sit on the signalling message path, so they first read `isActive` (one relaxed atomic load) and build
/// no event at all while nobody listens. With subscribers, an event is encoded once on the publishing loop and its
/// bytes (a copy-on-write array) are handed to each matching subscriber's loop. A subscriber that cannot keep up is
/// closed by its connection's send-queue bound (4503), so the feed never buffers without limit.
final class FeedHub: Sendable {
    private let count = Atomic<Int>(0)
    private let subscribers = Mutex<[UInt64: FeedSubscriber]>([:])

    /// True when at least one subscriber exists. Cheap enough for the hot path.
    var isActive: Bool { count.load(ordering: .relaxed) > 0 }
    var subscriberCount: Int { count.load(ordering: .relaxed) }

    func subscribe(_ subscriber: FeedSubscriber) {
        subscribers.withLock { table in
            if table.updateValue(subscriber, forKey: subscriber.id) == nil { count.add(1, ordering: .relaxed) }
        }
    }

    func unsubscribe(id: UInt64) {
        subscribers.withLock { table in
            if table.removeValue(forKey: id) != nil { count.subtract(1, ordering: .relaxed) }
        }
    }

    /// Sends `bytes` (one JSON text message) to every subscriber whose filter accepts it. `from` is the publishing
    /// loop: subscribers on it get the message directly, others through their loop's inbox.
    func publish(_ family: FeedFamily, visit: String?, _ bytes: [UInt8], from loop: EventLoop?) {
        // Copy the matching subscribers out so no lock is held while sending (a send may close and unsubscribe).
        let targets = subscribers.withLock { table in table.values.filter { $0.filter.accepts(family, visit: visit) } }
        for target in targets {
            if target.loop === loop {
                target.session?.deliver(bytes)
            } else {
                target.loop.execute { target.session?.deliver(bytes) }
            }
        }
    }
}
