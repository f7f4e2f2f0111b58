/// Something registered on an event loop that reacts to readiness of one descriptor.
///
/// Handlers are called only on their loop's thread, so their state needs no locks.
public protocol IOHandler: AnyObject {
    /// The descriptor became ready for `events` (which may include `.hangup`/`.error`).
    func handle(events: EpollEvents)
}
