import Logging
import RelaisCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// swift-log handler writing one JSON object per line to stderr (production: log shippers parse it).
///
/// Metadata values are written as strings. Relais never puts client data in log metadata (docs/privacy.md):
/// opaque participant/visit ids, connection numbers and error codes only.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("time", SystemClockReader.wallMilliseconds())
        json.field("level", event.level.rawValue)
        json.field("logger", label)
        json.field("message", event.message.description)
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { json.field(key, value.description) }
        json.endObject()
        LogOutput.write(json.bytes + [0x0A])
    }
}

/// swift-log handler for terminals: `time level [logger] message key=value…`.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let extras = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let line = "\(SystemClockReader.isoTime()) \(event.level.rawValue.uppercased()) [\(label)] \(event.message)\(extras)\n"
        LogOutput.write(Array(line.utf8))
    }
}

/// Serialises log writes so lines from several loops never interleave.
enum LogOutput {
    private static let lock = Mutex<Void>(())

    static func write(_ bytes: [UInt8]) {
        lock.withLock { _ in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
        }
    }
}

/// Wall-clock helpers for log lines.
enum SystemClockReader {
    static func wallMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    static func isoTime() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = tm()
        var seconds = ts.tv_sec
        gmtime_r(&seconds, &t)
        func pad(_ v: Int32, _ w: Int = 2) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday))T\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec)).\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}
