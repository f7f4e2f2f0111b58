import RelaisCore
import RelaisPosix

/// The listening socket of one loop. With `SO_REUSEPORT` every loop has one and the kernel spreads connections;
/// without it loop 0 accepts and hands connections to the others round-robin.
final class Acceptor: IOHandler {
    let loop: EventLoop
    private var listener: Socket?
    private let server: Server
    private var paused = false

    init(listener: consuming Socket, loop: EventLoop, server: Server) {
        self.listener = Optional(listener)
        self.loop = loop
        self.server = server
    }

    var descriptor: CInt { listener?.descriptor ?? -1 }

    func start() throws(Errno) {
        try loop.register(fd: descriptor, events: .readable, handler: self)
    }

    func handle(events: EpollEvents) {
        // Bounded so a connection storm cannot starve the connections already open on this loop.
        for _ in 0..<64 {
            let accepted: AcceptedSocket?
            do throws(Errno) {
                accepted = try listener?.accept()
            } catch {
                if error == .tooManyOpenFiles || error == .tooManyOpenFilesInSystem {
                    // Out of descriptors: stop accepting for a moment instead of spinning on a readable listener.
                    pause(for: .milliseconds(100))
                }
                return
            }
            guard let connection = accepted else { return }
            let peer = server.identify(connection.peer)
            server.adopt(socket: connection.takeSocket(), peer: peer, acceptedOn: loop)
        }
    }

    private func pause(for duration: Duration) {
        guard !paused else { return }
        paused = true
        loop.deregister(fd: descriptor)
        loop.scheduleTimer(after: duration) { [weak self] in
            guard let self, self.listener != nil else { return }
            self.paused = false
            try? self.loop.register(fd: self.descriptor, events: .readable, handler: self)
        }
    }

    /// Stops accepting (graceful shutdown): the listening socket closes.
    func stop() {
        if !paused { loop.deregister(fd: descriptor) }
        listener = nil
    }
}
