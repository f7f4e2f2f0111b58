import Logging
import Synchronization
import ArgumentParser
import RelaisPosix
import RelaisServer
import RelaisSignalling
import RelaisHTTP
import RelaisWebSocket

#if canImport(Glibc)
import Glibc
#endif

/// `relais serve`: runs the server until SIGINT/SIGTERM; SIGHUP reloads the TLS certificate.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (plain ws on loopback by default).")

    @Option(help: "Listen address (IPv4/IPv6 literal, localhost, or :: for all). Env: RELAIS_HOST")
    var host: String?
    @Option(help: "Listen port (0 = any free port). Env: RELAIS_PORT")
    var port: UInt16?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain. Env: RELAIS_TLS_CERT")
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key. Env: RELAIS_TLS_KEY")
    var tlsKey: String?
    @Flag(name: .customLong("dev-tls"), help: "Serve TLS with a development certificate generated under --data-dir.")
    var devTLS = false
    @Option(name: .customLong("data-dir"), help: "Data directory. Env: RELAIS_DATA_DIR")
    var dataDir: String?
    @Flag(name: .customLong("allow-plaintext"), help: "Allow plain ws/http on a non-loopback address (behind a TLS proxy).")
    var allowPlaintext = false
    @Option(help: "Event loops (threads); 0 = one per core. Env: RELAIS_LOOPS")
    var loops: Int?
    @Option(name: .customLong("loop-coalesce-us"),
            help: "Microseconds a busy event loop pauses to gather ready sockets before the next batch (default 500, 0 = off). Env: RELAIS_LOOP_COALESCE_US")
    var loopCoalesceUs: Int?
    @Option(name: .customLong("max-message-bytes"), help: "Largest WebSocket message (default 262144).")
    var maxMessageBytes: Int?
    @Option(name: .customLong("max-send-queue-bytes"), help: "Send queue per connection before close 4503 (default 4194304).")
    var maxSendQueueBytes: Int?
    @Option(name: .customLong("ping-interval"), help: "Seconds of silence before a server ping (default 20).")
    var pingInterval: Double?
    @Option(name: .customLong("idle-timeout"), help: "Seconds of silence before closing (default 60).")
    var idleTimeout: Double?
    @Option(name: .customLong("header-timeout"), help: "Seconds allowed for request headers (default 10).")
    var headerTimeout: Double?
    @Flag(name: .customLong("no-echo"), help: "Disable the /v1/echo endpoint.")
    var noEcho = false
    @Option(name: .customLong("echo-rate"), help: "Echo messages per second per connection; 0 = unlimited (default 500).")
    var echoRate: Double?
    @Option(name: .customLong("echo-burst"), help: "Echo burst per connection (default 2000).")
    var echoBurst: Int?
    @Flag(name: .customLong("no-deflate"), help: "Decline permessage-deflate.")
    var noDeflate = false
    @Option(name: .customLong("allowed-origin"), help: "Browser Origin allowed to open WebSockets (repeatable; none = any).")
    var allowedOrigins: [String] = []

    @Option(name: .customLong("token-secret"), help: "HS256 join-token secret. Env: RELAIS_TOKEN_SECRET (RELAIS_TOKEN_KEYS=kid:secret,... for rotation)")
    var tokenSecret: String?
    @Option(name: .customLong("config"), help: "JSON configuration file (keys are these flags' names; flags and env win). Env: RELAIS_CONFIG")
    var configPath: String?
    @Option(name: .customLong("log-format"), help: "json or text (default: text on a terminal, json otherwise). Env: RELAIS_LOG_FORMAT")
    var logFormat: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (default info). Env: RELAIS_LOG_LEVEL")
    var logLevel: String?
    @Option(name: .customLong("store"), help: "SQLite file for ended visits and quality history (default <data-dir>/relais.sqlite). Env: RELAIS_STORE")
    var storePath: String?
    @Flag(name: .customLong("no-store"), help: "Keep visits in memory only.")
    var noStore = false
    @Option(name: .customLong("retention-days"), help: "Delete ended visits older than this (default 30).")
    var retentionDays: Int?
    @Option(name: .customLong("admin-token"), help: "Bearer token of the admin API (repeatable). Env: RELAIS_ADMIN_TOKEN (comma-separated)")
    var adminTokens: [String] = []
    @Option(name: .customLong("audit-log"), help: "Audit log file (default <data-dir>/audit.log). Env: RELAIS_AUDIT_LOG")
    var auditLog: String?
    @Option(name: .customLong("stun-url"), help: "STUN URL for iceServers (repeatable). Env: RELAIS_STUN_URLS (comma-separated)")
    var stunURLs: [String] = []
    @Option(name: .customLong("turn-url"), help: "TURN URL for iceServers (repeatable). Env: RELAIS_TURN_URLS")
    var turnURLs: [String] = []
    @Option(name: .customLong("turn-secret"), help: "coturn static-auth-secret, newest first (repeatable). Env: RELAIS_TURN_SECRETS")
    var turnSecrets: [String] = []
    @Flag(name: .customLong("relay-only-patients"), help: "Tell patients' clients to use TURN relay only (hides home addresses).")
    var relayOnlyPatients = false
    @Option(name: .customLong("max-participants"), help: "Admitted participants per visit (default 6).")
    var maxParticipants: Int?
    @Option(name: .customLong("max-lobby"), help: "Waiting-room members per visit (default 20).")
    var maxLobby: Int?
    @Option(name: .customLong("resume-grace"), help: "Seconds a dropped participant may resume (default 30).")
    var resumeGrace: Double?
    @Option(name: .customLong("join-deadline"), help: "Seconds to send join after connecting (default 10).")
    var joinDeadline: Double?
    @Option(name: .customLong("signal-rate"), help: "Signalling messages per second per connection (default 500; burst --signal-burst).")
    var signalRate: Double?
    @Option(name: .customLong("signal-burst"), help: "Signalling burst per connection (default 2000).")
    var signalBurst: Int?
    @Option(name: .customLong("joins-per-minute"), help: "Joins per client address per minute (default 120; 0 = unlimited).")
    var joinsPerMinute: Int?
    @Flag(name: .customLong("join-limit-loopback"), help: "Apply the per-address join limit to loopback clients too.")
    var joinLimitLoopback = false
    @Option(name: .customLong("consent-required"), help: "Default consent policy of new visits: true or false (default true).")
    var consentRequired: Bool?

    func run() throws {
        let env = Environment()
        var file = try (configPath ?? env["RELAIS_CONFIG"]).map { try ConfigFile(path: $0) } ?? ConfigFile()
        try file.overlayEnvironment { env[$0] }
        let logger = try Self.makeLogger(format: logFormat ?? env["RELAIS_LOG_FORMAT"] ?? file.string("log-format"),
                                         level: logLevel ?? env["RELAIS_LOG_LEVEL"] ?? file.string("log-level"))
        Self.logger.withLock { $0 = logger }
        let config = try makeConfiguration(env: env, file: file, logger: logger)
        try serve(config)
    }

    /// Flags, then environment, then the file, then defaults.
    /// With `dryRun` nothing is written (no development certificate or secret): `relais config check`.
    func makeConfiguration(env: Environment, file: ConfigFile, logger: Logger, dryRun: Bool = false) throws -> ServerConfiguration {
        var config = ServerConfiguration()
        config.host = host ?? env["RELAIS_HOST"] ?? file.string("host") ?? config.host
        if let p = port ?? env["RELAIS_PORT"].flatMap(UInt16.init) ?? file.integer("port").flatMap(UInt16.init(exactly:)) { config.port = p }
        config.tlsCertificatePath = tlsCert ?? env["RELAIS_TLS_CERT"] ?? file.string("tls-cert")
        config.tlsPrivateKeyPath = tlsKey ?? env["RELAIS_TLS_KEY"] ?? file.string("tls-key")
        let data = dataDir ?? env["RELAIS_DATA_DIR"] ?? file.string("data-dir") ?? ".relais-data"
        if (devTLS || file.boolean("dev-tls")) && !config.tlsEnabled && !dryRun {
            let paths = try DevelopmentCertificate.ensure(in: data)
            config.tlsCertificatePath = paths.certificate
            config.tlsPrivateKeyPath = paths.key
        }
        config.allowPlaintextOnPublicAddress = allowPlaintext || file.boolean("allow-plaintext")
        config.loops = loops ?? env["RELAIS_LOOPS"].flatMap(Int.init) ?? file.integer("loops") ?? 0
        if let v = loopCoalesceUs ?? env["RELAIS_LOOP_COALESCE_US"].flatMap(Int.init) ?? file.integer("loop-coalesce-us") {
            guard (0...10_000).contains(v) else { throw ValidationError("--loop-coalesce-us must be 0…10000") }
            config.loopCoalescingMicroseconds = v
        }
        if let v = maxMessageBytes ?? file.integer("max-message-bytes") { config.webSocket.maxMessageBytes = v }
        if let v = maxSendQueueBytes ?? file.integer("max-send-queue-bytes") { config.maxSendQueueBytes = v }
        if let v = pingInterval ?? file.number("ping-interval") { config.pingInterval = .milliseconds(Int64(v * 1000)) }
        if let v = idleTimeout ?? file.number("idle-timeout") { config.idleTimeout = .milliseconds(Int64(v * 1000)) }
        if let v = headerTimeout ?? file.number("header-timeout") { config.http.headerDeadline = .milliseconds(Int64(v * 1000)) }
        config.echoEnabled = !(noEcho || file.boolean("no-echo"))
        if let v = echoRate ?? file.number("echo-rate") { config.echoRatePerSecond = v }
        if let v = echoBurst ?? file.integer("echo-burst") { config.echoRateBurst = v }
        config.permessageDeflate = !(noDeflate || file.boolean("no-deflate"))
        config.allowedOrigins = allowedOrigins.isEmpty ? file.strings("allowed-origin") : allowedOrigins
        config.logger = logger
        try configureSignalling(&config, env: env, file: file, dataDirectory: data, dryRun: dryRun)
        return config
    }

    private func serve(_ config: ServerConfiguration) throws {

        ProcessSignal.blockHandledSignals()
        let server: Server
        do { server = try Server(configuration: config) } catch {
            throw ValidationError("\(error)")
        }
        server.start()
        let scheme = config.tlsEnabled ? "wss" : "ws"
        log("relais listening on \(server.boundAddress) (\(scheme)://\(server.boundAddress)/v1/echo), \(server.configuration.loops) loops")
        while true {
            switch ProcessSignal.wait() {
            case .hangup:
                do {
                    try server.reloadTLS()
                    log("TLS certificate reloaded")
                } catch {
                    log("TLS reload failed, keeping the old certificate: \(error)")
                }
            case .interrupt, .terminate:
                log("shutting down: draining \(server.openConnections) connections")
                server.shutdown()
                log("stopped")
                return
            }
        }
    }
}

extension Serve {
    /// Token keys, audit log, ICE servers and signalling limits.
    func configureSignalling(_ config: inout ServerConfiguration, env: Environment, file: ConfigFile, dataDirectory: String,
                             dryRun: Bool) throws {
        let keys = (env["RELAIS_TOKEN_KEYS"] ?? file.string("token-keys")).map(TokenKeys.parseKeyList) ?? [:]
        var secret = tokenSecret ?? env["RELAIS_TOKEN_SECRET"] ?? file.string("token-secret")
        if secret == nil && keys.isEmpty {
            // Embedded default for a first run on loopback only: a random secret kept in the data directory, which
            // `relais token` reads too. Anywhere else a real secret is required.
            let address = try SocketAddress(host: config.host, port: config.port)
            guard address.isLoopback else {
                throw ValidationError("set RELAIS_TOKEN_SECRET (or --token-secret) to serve /v1/signal on \(config.host)")
            }
            if dryRun {
                secret = "(development secret in \(dataDirectory)/token-secret)"
            } else {
                secret = try DevelopmentSecret.ensure(in: dataDirectory)
                log("using the development token secret in \(dataDirectory)/token-secret (loopback only)")
            }
        }
        config.tokenKeys = TokenKeys(defaultSecret: secret, keysByID: keys)
        config.adminTokens = adminTokens + (env["RELAIS_ADMIN_TOKEN"]?.split(separator: ",").map(String.init) ?? [])
        if config.adminTokens.isEmpty { config.adminTokens = file.strings("admin-token") }
        let auditPath = auditLog ?? env["RELAIS_AUDIT_LOG"] ?? file.string("audit-log") ?? dataDirectory + "/audit.log"
        if !dryRun { try DevelopmentSecret.makeDirectory(dataDirectory) }
        config.auditLogPath = auditPath
        if !(noStore || file.boolean("no-store")) {
            config.storePath = storePath ?? env["RELAIS_STORE"] ?? file.string("store") ?? dataDirectory + "/relais.sqlite"
        }
        if let v = retentionDays ?? file.integer("retention-days") { config.retentionDays = v }
        var ice = config.signalling.ice
        func list(_ flag: [String], _ name: String, _ key: String) -> [String] {
            let fromFlagsAndEnv = flag + (env[name]?.split(separator: ",").map(String.init) ?? [])
            return fromFlagsAndEnv.isEmpty ? file.strings(key) : fromFlagsAndEnv
        }
        ice.stunURLs = list(stunURLs, "RELAIS_STUN_URLS", "stun-url")
        ice.turnURLs = list(turnURLs, "RELAIS_TURN_URLS", "turn-url")
        ice.turnSecrets = list(turnSecrets, "RELAIS_TURN_SECRETS", "turn-secret")
        ice.relayOnlyForPatients = relayOnlyPatients || file.boolean("relay-only-patients")
        config.signalling.ice = ice
        if let v = maxParticipants ?? file.integer("max-participants") { config.signalling.maxParticipants = v }
        if let v = maxLobby ?? file.integer("max-lobby") { config.signalling.maxLobby = v }
        if let v = resumeGrace ?? file.number("resume-grace") { config.signalling.resumeGrace = .milliseconds(Int64(v * 1000)) }
        if let v = joinDeadline ?? file.number("join-deadline") { config.joinDeadline = .milliseconds(Int64(v * 1000)) }
        if let v = signalRate ?? file.number("signal-rate") { config.signalMessagesPerSecond = v }
        if let v = signalBurst ?? file.integer("signal-burst") { config.signalMessageBurst = v }
        if let v = joinsPerMinute ?? file.integer("joins-per-minute") { config.joinsPerAddressPerMinute = v }
        config.joinLimitOnLoopback = joinLimitLoopback || file.boolean("join-limit-loopback")
        if let v = consentRequired ?? file.booleanValue("consent-required") { config.signalling.consentRequiredByDefault = v }
    }
}

/// Environment variables, read once.
struct Environment {
    subscript(name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let s = String(cString: value)
        return s.isEmpty ? nil : s
    }
}

/// Lifecycle lines of the CLI, through the configured logger. Never given client data (docs/privacy.md).
func log(_ message: String) {
    Serve.logger.withLock { $0 }.info("\(message)")
}

extension Serve {
    /// The process logger (set by `serve`; plain text to stderr otherwise).
    static let logger = Mutex<Logger>(Logger(label: "relais") { TextLogHandler(label: $0) })

    static func makeLogger(format: String?, level: String?) throws -> Logger {
        let json: Bool
        switch format {
        case nil: json = isatty(2) == 0
        case "json": json = true
        case "text": json = false
        default: throw ValidationError("log format must be json or text")
        }
        var logger = Logger(label: "relais") { label -> any LogHandler in
            json ? JSONLogHandler(label: label) : TextLogHandler(label: label)
        }
        if let level {
            guard let parsed = Logger.Level(rawValue: level) else { throw ValidationError("unknown log level \(level)") }
            logger.logLevel = parsed
        }
        return logger
    }
}
