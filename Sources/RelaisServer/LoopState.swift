import RelaisPosix

/// Per-loop server state: the open connections of this loop and its listener. Touched only on its loop.
final class LoopState {
    let loop: EventLoop
    var connections: [UInt64: Connection] = [:]
    var acceptor: Acceptor?
    /// Scratch space for `read(2)`: one per loop, so connections need no read buffer of their own when idle.
    let readBuffer: UnsafeMutableRawBufferPointer

    init(loop: EventLoop) {
        self.loop = loop
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit { readBuffer.deallocate() }
}
