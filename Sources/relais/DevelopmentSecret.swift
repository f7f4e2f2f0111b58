import RelaisSignalling

#if canImport(Glibc)
import Glibc
#endif

/// The development token secret: 32 random bytes in `<data-dir>/token-secret` (mode 0600), created on first use.
enum DevelopmentSecret {
    static func ensure(in directory: String) throws -> String {
        try makeDirectory(directory)
        let path = directory + "/token-secret"
        if let existing = read(path), !existing.isEmpty { return existing }
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        let secret = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DevelopmentSecretError(path: path) }
        _ = secret.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        return secret
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 && $0 != 0x0A }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw DevelopmentSecretError(path: path) }
    }
}

struct DevelopmentSecretError: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot create \(path)" }
}
