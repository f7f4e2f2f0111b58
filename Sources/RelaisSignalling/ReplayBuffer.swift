/// The messages a participant session has been sent, kept until the client acknowledges them, so a resume can
/// replay exactly what was missed. Bounded by count and bytes; when it overflows the oldest go, and a resume
/// that needs them fails explicitly (`replay_unavailable`) instead of silently skipping messages.
struct ReplayBuffer {
    private(set) var entries: [(seq: Int, bytes: [UInt8])] = []
    private var head = 0
    private(set) var byteCount = 0
    let maxMessages: Int
    let maxBytes: Int

    init(maxMessages: Int, maxBytes: Int) {
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
    }

    var count: Int { entries.count - head }

    /// Oldest retained seq, or nil when empty.
    var oldestSeq: Int? { head < entries.count ? entries[head].seq : nil }

    mutating func append(seq: Int, bytes: [UInt8]) {
        entries.append((seq, bytes))
        byteCount += bytes.count
        while count > maxMessages || (byteCount > maxBytes && count > 1) { dropOldest() }
    }

    /// Forgets everything up to and including `seq` (client `ack`).
    mutating func acknowledge(upTo seq: Int) {
        while let oldest = oldestSeq, oldest <= seq { dropOldest() }
    }

    /// Messages after `seq`, in order.
    func messages(after seq: Int) -> [[UInt8]] {
        entries[head...].filter { $0.seq > seq }.map(\.bytes)
    }

    mutating func reset() {
        entries = []
        head = 0
        byteCount = 0
    }

    private mutating func dropOldest() {
        byteCount -= entries[head].bytes.count
        head += 1
        // Compact occasionally so the array does not grow forever.
        if head > 1024 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
