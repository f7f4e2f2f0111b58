import ArgumentParser
import RelaisCore
import RelaisPosix
import RelaisSignalling
import RelaisTLS
import RelaisWebSocket

#if canImport(Glibc)
import Glibc
#endif

/// `relais bench`: a load generator on the project's own event loops and WebSocket client.
///
/// Scenarios: `echo` (connections × in-flight × size against /v1/echo), `relay` (pairs joining visits and
/// relaying `candidate` messages, max speed or fixed rate), `stats` (participants sending quality reports every
/// interval), `connections` (ramp to N idle connections), `handshakes` (connect, upgrade, close, repeat), `visit`
/// (whole visits: join, lobby, admit, consent, offer/answer, candidates, stats, leave). With --tls every scenario
/// runs over wss. Traffic goes to the address given (loopback in every test here), every run stops by itself, and
/// the result goes to stdout (a readable summary, or one JSON line with --json) and as a log line to stderr.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load generator: echo, relay, stats, connections, handshakes, visit.")

    @Argument(help: "echo | relay | stats | connections | handshakes | visit") var scenario: String
    @Option(help: "Server address.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: UInt16 = 8080
    @Option(help: "Connections (echo, handshakes in flight), participants (stats), idle connections (connections), visits in flight (visit).") var connections = 50
    @Option(name: .customLong("in-flight"), help: "Messages in flight per connection (echo) or per direction (relay max).")
    var inFlight = 4
    @Option(help: "Message size in bytes (echo, relay).") var size = 256
    @Option(help: "Measured seconds.") var duration = 10.0
    @Option(help: "Warm-up seconds (not measured).") var warmup = 1.0
    @Option(help: "Client event loops.") var loops = 1
    @Option(name: .customLong("loop-coalesce-us"),
            help: "Client loops: pause this long when busy to batch wake-ups, as the server does (default 0: every event handled at once).")
    var loopCoalesceUs = 0
    @Option(help: "Relay pairs (rooms).") var pairs = 100
    @Option(help: "Relay: total messages per second (0 = as fast as possible).") var rate = 0.0
    @Option(help: "Stats: seconds between reports of one participant.") var interval = 2.0
    @Option(name: .customLong("hold"), help: "Connections: seconds to hold the connections open.") var hold = 5.0
    @Flag(help: "Connect over TLS (wss), every scenario.") var tls = false
    @Option(name: .customLong("ca"), help: "With --tls: verify the server against this CA/certificate PEM (default: no verification, for the development certificate).")
    var caPath: String?
    @Option(name: .customLong("server-name"), help: "With --tls: SNI and verified host name.") var serverName = "localhost"
    @Flag(help: "Print the result as one JSON line on stdout (default: the readable summary).") var json = false
    @Option(name: .customLong("server-pid"), help: "Server process id, to report its CPU and memory (from /proc).")
    var serverPID: Int32?
    @Option(name: .customLong("token-secret"), help: "HS256 secret for relay/stats join tokens. Env: RELAIS_TOKEN_SECRET")
    var tokenSecret: String?

    func run() throws {
        let address = try SocketAddress(host: host, port: port)
        let group = try EventLoopGroup(count: max(1, loops), coalescingNanoseconds: Int64(max(0, loopCoalesceUs)) * 1000)
        group.start()
        defer { group.stopAndJoin() }
        let context = tls ? try TLSContext.client(verifyPeer: caPath != nil, trustedCAPath: caPath) : nil
        let run = BenchRun(group: group, address: address, options: self, tls: context)
        let result: BenchResult
        switch scenario {
        case "echo": result = try run.echo()
        case "relay": result = try run.relay(secret: secret())
        case "stats": result = try run.stats(secret: secret())
        case "connections": result = try run.connections()
        case "visit": result = try run.visit(secret: secret())
        case "handshakes": result = try run.handshakes()
        default: throw ValidationError("scenario must be echo, relay, stats, connections, handshakes or visit")
        }
        // stdout carries the result (JSON for scripts, or the summary for a person); stderr the log line.
        print(json ? result.json : result.summary)
        log(result.summary)
    }

    private func secret() throws -> String {
        guard let s = tokenSecret ?? Environment()["RELAIS_TOKEN_SECRET"] else {
            throw ValidationError("relay, stats and visit need the server's token secret (--token-secret or RELAIS_TOKEN_SECRET)")
        }
        return s
    }
}
