import RelaisCore

/// What a bench run measured. Latencies in microseconds; CPU as % of one core and µs per message.
struct BenchResult {
    var scenario: String
    var fields: [(String, Double)] = []
    var notes: [(String, String)] = []

    mutating func add(_ name: String, _ value: Double) { fields.append((name, value)) }

    var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("scenario", scenario)
        for (name, value) in fields { w.field(name, value, decimals: 2) }
        for (name, value) in notes { w.field(name, value) }
        w.endObject()
        return w.string
    }

    var summary: String {
        scenario + ": " + fields.map { "\($0.0)=\(formatted($0.1))" }.joined(separator: " ")
    }

    private func formatted(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e12 ? String(Int64(v)) : String((v * 100).rounded() / 100)
    }
}

/// CPU time and resident memory of a process, from /proc (Linux).
enum ProcessUsage {
    /// utime + stime in seconds.
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmRSS in KiB.
    static func residentKiB(pid: Int32) -> Double? {
        guard let text = read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Double(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    private static func read(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif
