import RelaisSignalling
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Appends audit events to a hash-chained JSON-lines file on its own thread, fsyncing each batch.
///
/// Event loops never wait for the disk: they enqueue and carry on. The writer takes everything queued, appends
/// the lines with one `write`, and `fdatasync`s before taking the next batch, so an event is on disk within one
/// fsync of being produced (group commit). On a clean shutdown `close()` drains the queue first. On start the
/// chain continues from the last line of an existing file, so restarts do not break it.
public final class AuditWriter: Sendable {
    private let queue = Mutex<(events: [AuditEvent], closed: Bool)>(([], false))
    private let wake = Mutex<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let writing = Atomic<Bool>(false)
    public let path: String
    private let descriptor: CInt
    private let chain: Mutex<AuditChain>

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditWriterError(message: "cannot open audit log \(path): errno \(errno)") }
        descriptor = fd
        chain = Mutex(Self.resumeChain(path: path))
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        pthread_create(&thread, nil, { raw in
            let writer = Unmanaged<AuditWriter>.fromOpaque(raw!).takeRetainedValue()
            writer.run()
            return nil
        }, box.toOpaque())
        pthread_detach(thread)
    }

    /// Queues an event (any thread).
    public func append(_ event: AuditEvent) {
        queue.withLock { $0.events.append(event) }
    }

    /// Waits (briefly) until what is queued now has been written, so a reader sees it.
    public func flushForReading() {
        for _ in 0..<200 {
            if queue.withLock({ $0.events.isEmpty }) && !writing.load(ordering: .acquiring) { return }
            usleep(1_000)
        }
    }

    /// Writes what is queued and stops the writer thread (clean shutdown).
    public func close() {
        queue.withLock { $0.closed = true }
        while !finished.load(ordering: .acquiring) { usleep(1_000) }
    }

    private func run() {
        while true {
            let (batch, closed) = queue.withLock { state -> ([AuditEvent], Bool) in
                let taken = state.events
                state.events.removeAll(keepingCapacity: true)
                if !taken.isEmpty { writing.store(true, ordering: .releasing) }
                return (taken, state.closed)
            }
            if !batch.isEmpty {
                var bytes: [UInt8] = []
                chain.withLock { chain in for event in batch { bytes += chain.line(for: event) } }
                bytes.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                        if n < 0 { if errno == EINTR { continue } else { break } }
                        offset += n
                    }
                }
                _ = fdatasync(descriptor)
                writing.store(false, ordering: .releasing)
            } else if closed {
                _ = Glibc.close(descriptor)
                finished.store(true, ordering: .releasing)
                return
            } else {
                usleep(2_000)
            }
        }
    }

    /// Reads the last line of an existing log to continue its chain.
    private static func resumeChain(path: String) -> AuditChain {
        guard let file = fopen(path, "r") else { return AuditChain() }
        defer { fclose(file) }
        var last: [UInt8] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        var current: [UInt8] = []
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let chunk = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            current += chunk
            if chunk.last == 0x0A {
                if current.count > 1 { last = current }
                current = []
            }
        }
        if current.count > 1 { last = current }
        guard let object = try? RelaisCoreJSON.parseObject(last.filter { $0 != 0x0A }),
              let hash = object["hash"]?.stringValue, let seq = object["seq"]?.int64Value else { return AuditChain() }
        return AuditChain(lastHash: hash, sequence: Int(seq))
    }
}

public struct AuditWriterError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

import RelaisCore

/// Small indirection so the chain-resume code reads clearly.
enum RelaisCoreJSON {
    static func parseObject(_ bytes: [UInt8]) throws -> JSONTopLevelObject { try JSONParser.parseTopLevelObject(bytes) }
}
