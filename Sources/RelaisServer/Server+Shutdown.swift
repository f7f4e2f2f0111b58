import RelaisStore
import RelaisCore
import RelaisPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension Server {
    /// Graceful shutdown: stop accepting, close WebSockets with 1001 and idle HTTP connections, wait up to
    /// `shutdownDrainTimeout` for them to finish, drop what is left, stop the loops. Blocks the caller.
    public func shutdown() {
        guard !context.shuttingDown.exchange(true, ordering: .relaxed) else { return }
        // Visits first: everyone gets `ended` (server_shutdown) and a 1001 close, queued on the connection loops
        // before the connections' own shutdown below, so the message arrives before the close.
        let hubsDone = Atomic<Int>(0)
        for hub in signalling.hubs {
            hub.loop.execute {
                hub.value.shutdown()
                hubsDone.add(1, ordering: .relaxed)
            }
        }
        while hubsDone.load(ordering: .relaxed) < signalling.hubs.count { usleep(1_000) }
        for bound in loopStates {
            bound.loop.execute {
                let state = bound.value
                state.acceptor?.stop()
                state.acceptor = nil
                for connection in Array(state.connections.values) { connection.beginShutdown() }
            }
        }
        let clock = SystemClock()
        let deadline = clock.now() + configuration.shutdownDrainTimeout
        while openConnections > 0 && clock.now() < deadline {
            usleep(10_000)
        }
        let finished = Atomic<Int>(0)
        for bound in loopStates {
            bound.loop.execute {
                for connection in Array(bound.value.connections.values) { connection.abort() }
                finished.add(1, ordering: .relaxed)
            }
        }
        while finished.load(ordering: .relaxed) < loopStates.count { usleep(1_000) }
        group.stopAndJoin()
        signalling.audit?.close()
        // Visits ended by the shutdown were queued for the store above; commit them before returning.
        signalling.store?.close()
    }
}
