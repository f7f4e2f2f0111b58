#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Process signals Relais reacts to, delivered synchronously with `sigwait` on one thread instead of
/// asynchronous handlers (which could only touch async-signal-safe state).
public enum ProcessSignal: CInt, Sendable, CaseIterable {
    case interrupt = 2   // SIGINT
    case hangup = 1      // SIGHUP: reload TLS certificates
    case terminate = 15  // SIGTERM

    /// Blocks the handled signals (and ignores SIGPIPE) for the calling thread and every thread it creates
    /// afterwards. Call on the main thread before starting event loops, then `wait()` there.
    public static func blockHandledSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        for s in allCases { sigaddset(&set, s.rawValue) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for the next handled signal. The corresponding C function is `sigwait`.
    public static func wait() -> ProcessSignal {
        var set = sigset_t()
        sigemptyset(&set)
        for s in allCases { sigaddset(&set, s.rawValue) }
        while true {
            var received: CInt = 0
            if sigwait(&set, &received) == 0, let s = ProcessSignal(rawValue: received) { return s }
        }
    }
}
