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

    /// Reads the last line of an existing log to continue its chain. Only the file's tail is read (a window that
    /// doubles until it holds a whole line): the log is append-only and grows for years, and start-up must not
    /// grow with it (reading all of an 80 MB log line by line kept a debug server busy for seconds).
    private static func resumeChain(path: String) -> AuditChain {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return AuditChain() }
        defer { _ = Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return AuditChain() }
        let size = Int(info.st_size)
        var window = 64 * 1024
        while size > 0 {
            let length = min(window, size)
            var bytes = [UInt8](repeating: 0, count: length)
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(size - length)) }
            guard n == length else { return AuditChain() }
            var end = length
            while end > 0 && bytes[end - 1] == 0x0A { end -= 1 }  // the final newline, and blank lines
            if end == 0 && length == size { break }
            if let newline = bytes[..<end].lastIndex(of: 0x0A) { return chain(from: bytes[(newline + 1)..<end]) }
            if length == size { return chain(from: bytes[..<end]) }  // the whole file is one line
            window *= 2
        }
        return AuditChain()
    }

    private static func chain(from line: ArraySlice<UInt8>) -> AuditChain {
        guard let object = try? RelaisCoreJSON.parseObject(Array(line)),
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
