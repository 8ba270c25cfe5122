import Foundation
import Testing

/// Failures print one `error: …` line (no stack trace) and exit with the documented status.
@Suite("errors and exit status")
struct ErrorReportingTests {
    @Test("a missing file: exit 3 and error: on stderr")
    func missingFile() async throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let output = try await CLI.run(["query", "no-such-file.parquet"], in: work)
        #expect(output.status == 3)
        #expect(output.stderr.hasPrefix("error: "), "\(output.stderr)")
        #expect(output.stderr.contains("no-such-file.parquet"))
        #expect(output.stdout.isEmpty)
        #expect(!output.stderr.contains("Fatal error"))
    }

    @Test("metadata of a missing file fails the same way")
    func missingMetadata() async throws {
        let output = try await CLI.run(["parquet", "metadata", "/nonexistent/x.parquet", "--format", "json"])
        #expect(output.status == 3)
        #expect(output.stderr.hasPrefix("error: "))
    }

    @Test("a path outside --root: exit 4")
    func outsideRoot() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["query", "--root", data.appendingPathComponent("batches").path, "sales.parquet"], in: data)
        #expect(output.status == 4, "\(output.stderr)")
        #expect(output.stderr.hasPrefix("error: "))
        #expect(output.stderr.contains("--root"))
    }

    @Test("bad SQL: exit 2 with DuckDB's message")
    func badSQL() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["query", "sales.parquet", "--sql", "SELECT nope FROM t"], in: data)
        #expect(output.status == 2)
        #expect(output.stderr.hasPrefix("error: "))
        #expect(output.stderr.contains("nope"))
    }

    @Test("usage errors: exit 2, error: and the usage line")
    func usage() async throws {
        let noPaths = try await CLI.run(["query"])
        #expect(noPaths.status == 2)
        #expect(noPaths.stderr.hasPrefix("error: "), "\(noPaths.stderr)")
        #expect(noPaths.stderr.contains("Usage:"))

        let unknownFlag = try await CLI.run(["query", "x.parquet", "--frobnicate"])
        #expect(unknownFlag.status == 2)
        #expect(unknownFlag.stderr.hasPrefix("error: "))

        let conflicting = try await CLI.run(["query", "x.parquet", "--sql", "SELECT 1", "--filter", "a > 1"])
        #expect(conflicting.status == 2)
        #expect(conflicting.stderr.contains("--sql"))

        let badAssignment = try await CLI.run(["parquet", "modify", "x.parquet", "--output", "y.parquet", "--set", "price"])
        #expect(badAssignment.status == 2)
        #expect(badAssignment.stderr.contains("NAME=EXPR"))
    }

    @Test("--help and --version succeed on stdout")
    func helpAndVersion() async throws {
        let help = try await CLI.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("query"))
        #expect(help.stdout.contains("parquet"))
        let version = try await CLI.run(["version"])
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.contains("swiftlake 0."))
        #expect(version.stdout.contains("duckdb v"))
    }
}
