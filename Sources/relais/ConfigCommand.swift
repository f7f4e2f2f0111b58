import ArgumentParser
import Logging
import RelaisCore
import RelaisServer
import RelaisHTTP
import RelaisSignalling
import RelaisWebSocket

/// `relais config check [FILE]`: validates a configuration file and prints the effective configuration
/// (file + environment + defaults) with secrets redacted.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a configuration file and print the effective configuration.")
        @Argument(help: "JSON configuration file (see docs/relais.example.json).") var file: String?

        func run() throws {
            let env = Environment()
            var configFile = try (file ?? env["RELAIS_CONFIG"]).map { try ConfigFile(path: $0) } ?? ConfigFile()
            try configFile.overlayEnvironment { env[$0] }
            let serve = try Serve.parse([])
            let config = try serve.makeConfiguration(env: env, file: configFile, logger: Logger(label: "relais") { _ in SwiftLogNoOpLogHandler() },
                                                     dryRun: true)
            print(EffectiveConfiguration.json(config))
        }
    }
}

/// The effective configuration as JSON, secrets replaced by `"(set)"`.
enum EffectiveConfiguration {
    static func json(_ c: ServerConfiguration) -> String {
        var w = JSONWriter()
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        w.beginObject()
        w.field("host", c.host)
        w.field("port", Int(c.port))
        w.field("tls", c.tlsEnabled)
        if let cert = c.tlsCertificatePath { w.field("tls-cert", cert) }
        if let key = c.tlsPrivateKeyPath { w.field("tls-key", key) }
        w.field("loops", c.loops)
        w.field("loop-coalesce-us", c.loopCoalescingMicroseconds)
        w.field("max-message-bytes", c.webSocket.maxMessageBytes)
        w.field("max-send-queue-bytes", c.maxSendQueueBytes)
        w.field("ping-interval", seconds(c.pingInterval))
        w.field("idle-timeout", seconds(c.idleTimeout))
        w.field("header-timeout", seconds(c.http.headerDeadline))
        w.field("echo", c.echoEnabled)
        w.field("echo-rate", c.echoRatePerSecond)
        w.field("echo-burst", c.echoRateBurst)
        w.field("permessage-deflate", c.permessageDeflate)
        w.field("token-secret", c.tokenKeys.defaultSecret == nil ? "(unset)" : "(set)")
        w.key("token-key-ids")
        w.beginArray()
        for kid in c.tokenKeys.keysByID.keys.sorted() { w.value(kid) }
        w.endArray()
        w.field("admin-tokens", c.adminTokens.isEmpty ? "(unset)" : "(\(c.adminTokens.count) set)")
        if let audit = c.auditLogPath { w.field("audit-log", audit) }
        if let store = c.storePath { w.field("store", store) }
        w.field("retention-days", c.retentionDays)
        w.key("stun-url")
        w.beginArray()
        for url in c.signalling.ice.stunURLs { w.value(url) }
        w.endArray()
        w.key("turn-url")
        w.beginArray()
        for url in c.signalling.ice.turnURLs { w.value(url) }
        w.endArray()
        w.field("turn-secrets", c.signalling.ice.turnSecrets.isEmpty ? "(unset)" : "(\(c.signalling.ice.turnSecrets.count) set)")
        w.field("relay-only-patients", c.signalling.ice.relayOnlyForPatients)
        w.field("max-participants", c.signalling.maxParticipants)
        w.field("max-lobby", c.signalling.maxLobby)
        w.field("resume-grace", seconds(c.signalling.resumeGrace))
        w.field("join-deadline", seconds(c.joinDeadline))
        w.field("signal-rate", c.signalMessagesPerSecond)
        w.field("signal-burst", c.signalMessageBurst)
        w.field("joins-per-minute", c.joinsPerAddressPerMinute)
        w.field("consent-required", c.signalling.consentRequiredByDefault)
        w.endObject()
        return w.string
    }
}
