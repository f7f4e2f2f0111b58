import Foundation
import RelaisCore
import RelaisHTTP
import RelaisPosix
import RelaisServer
import RelaisTLS
import RelaisWebSocket
import Testing

/// A real Relais server on an ephemeral loopback port, stopped when the test is done.
final class TestServer {
    let server: Server
    let tls: Bool

    init(tls: Bool = false, host: String = "127.0.0.1", configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        var config = ServerConfiguration()
        config.host = host
        config.port = 0
        config.loops = 2
        config.shutdownDrainTimeout = .seconds(3)
        if tls {
            config.tlsCertificatePath = TestCertificates.certificate
            config.tlsPrivateKeyPath = TestCertificates.key
        }
        configure(&config)
        self.tls = tls
        server = try Server(configuration: config)
        server.start()
    }

    var port: UInt16 { server.boundAddress.port }

    func stop() { server.shutdown() }

    deinit { server.shutdown() }

    /// A WebSocket client to `path` (TLS verified against the test certificate).
    func client(_ path: String = "/v1/echo", options: WebSocketClient.Options = .init()) throws -> WebSocketClient {
        let context = tls ? try TLSContext.client(verifyPeer: true, trustedCAPath: TestCertificates.certificate) : nil
        return try WebSocketClient(host: "127.0.0.1", port: port, path: path, tls: context, serverName: "localhost", options: options)
    }

    /// A raw byte stream (for hand-made HTTP and frames).
    func stream() throws -> BlockingStream {
        let context = tls ? try TLSContext.client(verifyPeer: true, trustedCAPath: TestCertificates.certificate) : nil
        return try BlockingStream(host: "127.0.0.1", port: port, tls: context, serverName: "localhost")
    }
}

/// One self-signed certificate per test process.
enum TestCertificates {
    static let directory: String = {
        let dir = NSTemporaryDirectory() + "relais-integration-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try! CertificateGenerator.writeSelfSigned(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem")
        return dir
    }()
    static var certificate: String { directory + "/cert.pem" }
    static var key: String { directory + "/key.pem" }
}

/// Runs an external program with a timeout; returns exit status and output.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func run(_ executable: String, _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 30) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Read concurrently so a chatty child cannot block on a full pipe.
    let outData = LockedData(), errData = LockedData()
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
    }
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    group.wait()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
                         stderr: String(decoding: errData.get(), as: UTF8.self))
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// Paths of files that live beside the tests.
enum TestPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static func script(_ name: String) -> String { testsDirectory.appendingPathComponent("Scripts/\(name)").path }

    /// The `relais` executable built next to the test bundle.
    static var relaisBinary: String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test bundle may be a directory (.xctest/...) on some toolchains; walk up to the build folder.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("relais").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/relais").path
    }
}

/// Sends an HTTP request on a raw stream and reads until the server closes or the response is complete.
func rawHTTP(_ stream: BlockingStream, _ request: String, timeout: Duration = .seconds(5)) throws -> String {
    try stream.write(Array(request.utf8))
    var received: [UInt8] = []
    let clock = SystemClock()
    let deadline = clock.now() + timeout
    while !stream.peerClosed && clock.now() < deadline {
        let result: Result<[UInt8], WebSocketClientError>
        do throws(WebSocketClientError) {
            result = .success(try stream.read(timeout: deadline.since(clock.now())))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let bytes): received += bytes
        case .failure(.timeout): return String(decoding: received, as: UTF8.self)
        case .failure(let error): throw error
        }
        if let text = String(validating: received, as: UTF8.self), responseComplete(text) { break }
    }
    return String(decoding: received, as: UTF8.self)
}

private func responseComplete(_ text: String) -> Bool {
    guard let headEnd = text.range(of: "\r\n\r\n") else { return false }
    let head = text[..<headEnd.lowerBound].lowercased()
    guard let lengthLine = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
          let length = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else {
        return true
    }
    return text.utf8.count - text[..<headEnd.upperBound].utf8.count >= length
}

/// Waits until `condition` holds or the timeout passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let clock = SystemClock()
    let deadline = clock.now() + timeout
    while clock.now() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}
