import ArgumentParser
import RelaisSignalling

#if canImport(Glibc)
import Glibc
#endif

/// `relais audit verify FILE`: checks the audit log's hash chain.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Audit log tools.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the hash chain; report the first broken entry.")
        @Argument(help: "Audit log file.") var file: String

        func run() throws {
            guard let handle = fopen(file, "r") else { throw ValidationError("cannot open \(file)") }
            defer { fclose(handle) }
            var lines: [[UInt8]] = []
            var current: [UInt8] = []
            while true {
                let c = fgetc(handle)
                if c == EOF { break }
                if c == 0x0A { lines.append(current); current = [] } else { current.append(UInt8(c)) }
            }
            if !current.isEmpty { lines.append(current) }
            switch AuditChain.verify(lines: lines) {
            case .valid(let entries, let hash):
                print("ok: \(entries) entries, last hash \(hash)")
            case .broken(let line, let reason):
                print("broken at line \(line): \(reason)")
                throw ExitCode(1)
            }
        }
    }
}
