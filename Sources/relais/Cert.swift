import ArgumentParser
import RelaisTLS

#if canImport(Glibc)
import Glibc
#endif

/// `relais cert`: writes a self-signed development certificate and key (OpenSSL API, no `openssl` process).
struct Cert: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a self-signed development certificate and key.")

    @Option(help: "Certificate output path.")
    var cert = "relais-dev-cert.pem"
    @Option(help: "Private key output path (mode 0600).")
    var key = "relais-dev-key.pem"
    @Option(name: .customLong("name"), help: "Extra DNS name or IP:addr for the certificate (repeatable).")
    var names: [String] = []
    @Option(help: "Validity in days.")
    var days = 365

    func run() throws {
        try CertificateGenerator.writeSelfSigned(certificatePath: cert, privateKeyPath: key, extraNames: names, days: days)
        print("wrote \(cert) and \(key)")
    }
}

/// The certificate `serve --dev-tls` uses, generated once under the data directory.
enum DevelopmentCertificate {
    static func ensure(in directory: String) throws -> (certificate: String, key: String) {
        mkdir(directory, 0o700)
        let cert = directory + "/dev-cert.pem", key = directory + "/dev-key.pem"
        if access(cert, R_OK) != 0 || access(key, R_OK) != 0 {
            try CertificateGenerator.writeSelfSigned(certificatePath: cert, privateKeyPath: key)
        }
        return (cert, key)
    }
}
