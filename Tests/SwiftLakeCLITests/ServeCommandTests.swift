import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `swiftlake serve`, started as a real process on a free loopback port.
@Suite("serve")
struct ServeCommandTests {
    @Test("refuses a non-loopback address without a token, before binding anything")
    func refusesExposedWithoutToken() async throws {
        let output = try await CLI.run(["serve", "--host", "0.0.0.0", "--port", "1"])
        #expect(output.status == 2)
        #expect(output.stderr.hasPrefix("error: "))
        #expect(output.stderr.contains("token"))
    }

    @Test("an unknown config key stops start-up with a clear error")
    func unknownConfigKey() async throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try "prot: 8001\n".write(to: work.appendingPathComponent("lake.yaml"), atomically: true, encoding: .utf8)
        let output = try await CLI.run(["serve", "--config", "lake.yaml"], in: work)
        #expect(output.status == 2)
        #expect(output.stderr.contains("unknown key 'prot'"), "\(output.stderr)")
    }

    @Test("serves /health and a query, prints its start-up line, stops on SIGINT")
    func servesRequests() async throws {
        let executable = try #require(CLI.executable, "build swiftlake first")
        let data = try await SampleDataset.shared.directory()
        let port = try Self.freePort()
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let logURL = work.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)

        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--port", String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFTLAKE_ROOTS": data.path]) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: logURL)
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let base = "http://127.0.0.1:\(port)"
        var healthy = false
        for _ in 0..<100 where !healthy {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: base + "/health")!),
               (response as? HTTPURLResponse)?.statusCode == 200 {
                healthy = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(healthy, "the server did not answer /health within 10 s")

        var request = URLRequest(url: URL(string: base + "/api/parquet/query")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"paths": ["sales.parquet"], "sql": "SELECT count(*) AS n FROM t"}"#.utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
        #expect(String(decoding: body, as: UTF8.self).contains("10000"))

        let startup = try String(contentsOf: logURL, encoding: .utf8)
        #expect(startup.contains(base), "\(startup)")
        #expect(startup.contains(data.resolvingSymlinksInPath().path) || startup.contains(data.path), "\(startup)")
        #expect(startup.contains("/docs"))

        kill(process.processIdentifier, SIGINT)
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning, "serve did not stop on SIGINT")
    }

    /// A TCP port nothing listens on right now (bound to port 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.fileReadUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
