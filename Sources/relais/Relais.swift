import ArgumentParser

@main
struct Relais: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relais",
        abstract: "Teleconsultation signalling server and call-quality monitor.",
        subcommands: [Serve.self, Cert.self, Token.self, Audit.self, Bench.self, ConfigCommand.self],
        defaultSubcommand: Serve.self
    )
}
