import Foundation
import Testing

@Suite("delta commands")
struct DeltaCommandTests {
    @Test("delta read: rows, time travel, skipping on stderr, and exit 3 for a missing version")
    func read() async throws {
        let data = try await SampleDataset.shared.directory()
        let latest = try await CLI.run(["delta", "read", "orders_delta", "--filter", "id = 75", "--format", "csv"], in: data)
        #expect(latest.status == 0, "\(latest.stderr)")
        #expect(latest.stdout == "id,amount,region\r\n75,187.5,south\r\n" || latest.stdout == "id,amount,region\n75,187.5,south\n")
        #expect(latest.stderr.contains("version 1: 1 files scanned, 1 skipped"))
        let old = try await CLI.run(["delta", "read", "orders_delta", "--version", "0", "--sql", "SELECT count(*) AS n FROM t", "--format", "json"], in: data)
        #expect(old.status == 0 && old.stdout.contains("50"))
        let missing = try await CLI.run(["delta", "read", "orders_delta", "--version", "9"], in: data)
        #expect(missing.status == 3 && missing.stderr.contains("0 to 1"))
    }

    @Test("delta history, detail and files")
    func info() async throws {
        let data = try await SampleDataset.shared.directory()
        let history = try await CLI.run(["delta", "history", "orders_delta"], in: data)
        #expect(history.status == 0 && history.stdout.contains("Append"))
        let detail = try await CLI.run(["delta", "detail", "orders_delta", "--format", "json"], in: data)
        #expect(detail.status == 0 && detail.stdout.contains("\"num_files\""))
        let files = try await CLI.run(["delta", "files", "orders_delta", "--version", "0"], in: data)
        #expect(files.status == 0 && files.stdout.contains("part-00000.parquet") && !files.stdout.contains("part-00001"))
    }
}
