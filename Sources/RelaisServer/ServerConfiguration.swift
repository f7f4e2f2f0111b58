import Logging
import RelaisHTTP
import RelaisSignalling
import RelaisWebSocket

/// Everything `relais serve` can be told, with the defaults of docs/configuration.md.
public struct ServerConfiguration: Sendable {
    /// Listen address (IPv4 or IPv6 literal, `localhost`, or `::`/`*` for every interface).
    public var host = "127.0.0.1"
    /// Listen port; 0 picks a free one (tests).
    public var port: UInt16 = 8080
    /// PEM certificate chain and key; both set means TLS (wss/https).
    public var tlsCertificatePath: String?
    public var tlsPrivateKeyPath: String?
    /// Serve plain ws/http on a non-loopback address. Off by default: browsers' media and tokens must not cross
    /// a network in clear text, so this has to be asked for explicitly (for a TLS-terminating proxy in front).
    public var allowPlaintextOnPublicAddress = false
    /// Event loops (threads); default one per core.
    public var loops = 0
    /// How long a busy loop pauses to gather the next batch (`EventLoop.coalescing`). 500 µs halves the server CPU
    /// per message at 20k relayed msg/s and under a saturating echo load (docs/benchmarks.md §11) for at most
    /// 0.5 ms more latency per hop, and only under load; 0 turns it off.
    public var loopCoalescingMicroseconds = 500
    /// Whether each loop binds its own `SO_REUSEPORT` listener (the kernel spreads connections).
    public var reusePort = true

    public var http = HTTPLimits()
    public var webSocket = WebSocketConnection.Limits()
    /// Accept permessage-deflate offers.
    public var permessageDeflate = true
    /// Bytes queued for a connection before it is closed with 4503 (cannot keep up).
    public var maxSendQueueBytes = 4 * 1024 * 1024
    /// TLS handshake must finish within this.
    public var tlsHandshakeTimeout: Duration = .seconds(10)
    /// Server pings an idle WebSocket after this much silence…
    public var pingInterval: Duration = .seconds(20)
    /// …and closes it (1001) after this much.
    public var idleTimeout: Duration = .seconds(60)
    /// How long we wait for the peer's close frame after sending ours.
    public var closeTimeout: Duration = .seconds(5)
    /// How long a graceful shutdown waits for connections to drain.
    public var shutdownDrainTimeout: Duration = .seconds(10)

    /// `/v1/echo`: enabled, and its per-connection token bucket (0 rate = unlimited).
    public var echoEnabled = true
    public var echoRateBurst = 2_000
    public var echoRatePerSecond = 500.0

    /// Where the server logs (opaque ids and codes only, never client data). Silent unless the CLI sets one.
    public var logger = Logger(label: "relais", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Allowed browser origins for WebSocket upgrades (empty = any; non-browser clients send no Origin).
    public var allowedOrigins: [String] = []

    /// Bearer tokens of the admin API (`RELAIS_ADMIN_TOKEN`, comma-separated for rotation). Empty: the API answers 401.
    public var adminTokens: [String] = []
    /// SQLite file for ended visits and quality history (nil: memory only).
    public var storePath: String?
    /// Ended visits older than this are deleted (checked hourly).
    public var retentionDays = 30
    /// Reports per `POST /api/v1/stats` batch.
    public var maxStatsBatch = 1000

    // MARK: Signalling (`/v1/signal`)

    /// Rooms, lobby, resume, ICE policy.
    public var signalling = SignallingConfiguration()
    /// Join-token keys (`RELAIS_TOKEN_SECRET`, `RELAIS_TOKEN_KEYS`). Empty: `/v1/signal` refuses every join (4401).
    public var tokenKeys = TokenKeys()
    /// Append-only, hash-chained audit log (JSON lines). Nil: audit events are dropped (tests only).
    public var auditLogPath: String?
    /// First message must be `join` within this (4408 otherwise).
    public var joinDeadline: Duration = .seconds(10)
    /// Per-connection token bucket on `/v1/signal` (4429 beyond).
    public var signalMessageBurst = 2_000
    public var signalMessagesPerSecond = 500.0
    /// Joins per client address per minute (0 = unlimited).
    public var joinsPerAddressPerMinute = 120
    /// Whether the per-address join limit applies to loopback clients too (off by default: tests and local
    /// tools share 127.0.0.1; a reverse proxy in front should pass its own limits).
    public var joinLimitOnLoopback = false

    public init() {}

    /// Whether TLS is configured.
    public var tlsEnabled: Bool { tlsCertificatePath != nil && tlsPrivateKeyPath != nil }
}
