#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX error number, as a typed value so syscall wrappers can use `throws(Errno)`.
public struct Errno: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: CInt
    /// The syscall that failed, for messages (never contains user data).
    public var function: StaticString

    public init(rawValue: CInt) { self.rawValue = rawValue; self.function = "" }
    public init(_ rawValue: CInt, function: StaticString) { self.rawValue = rawValue; self.function = function }

    /// The calling thread's `errno`.
    @usableFromInline static var current: CInt { errno }

    public var description: String {
        let message = String(cString: strerror(rawValue))
        return "\(function): \(message) (errno \(rawValue))"
    }

    public static func == (lhs: Errno, rhs: Errno) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// The corresponding C error is `EAGAIN`.
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    /// The corresponding C error is `ECONNRESET`.
    public static let connectionReset = Errno(rawValue: ECONNRESET)
    /// The corresponding C error is `EPIPE`.
    public static let brokenPipe = Errno(rawValue: EPIPE)
    /// The corresponding C error is `EMFILE`.
    public static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    /// The corresponding C error is `ENFILE`.
    public static let tooManyOpenFilesInSystem = Errno(rawValue: ENFILE)
    /// The corresponding C error is `ECONNREFUSED`.
    public static let connectionRefused = Errno(rawValue: ECONNREFUSED)
    /// The corresponding C error is `EINPROGRESS`.
    public static let inProgress = Errno(rawValue: EINPROGRESS)
    /// The corresponding C error is `ETIMEDOUT`.
    public static let timedOut = Errno(rawValue: ETIMEDOUT)
}
