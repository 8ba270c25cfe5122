import Foundation
import Testing

/// `swiftlake sample-data` and `swiftlake query`, through the built executable.
@Suite("query and sample-data")
struct QueryCommandTests {
    @Test("sample-data writes the dataset once, and says so the second time")
    func sampleDataIsIdempotent() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await CLI.run(["sample-data", directory.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("sales.parquet"))
        #expect(first.stdout.contains("batches/batch_3.parquet"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("events").path))
        let second = try await CLI.run(["sample-data", directory.path])
        #expect(second.status == 0)
        #expect(second.stdout.contains("already"))
    }

    @Test("json: every row of sales.parquet by default, in the REST API's document")
    func jsonReturnsAllRows() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["query", "sales.parquet", "--format", "json"], in: data)
        #expect(output.status == 0, "\(output.stderr)")
        let json = try output.json()
        #expect(json["row_count"] as? Int == 10000)
        #expect((json["rows"] as? [Any])?.count == 10000)
        #expect(json["truncated"] as? Bool == false)
        #expect(json["engine"] as? String == "duckdb")
        let columns = try #require(json["columns"] as? [[String: Any]])
        #expect(columns.map { $0["name"] as? String } == ["id", "ts", "region", "product", "quantity", "price", "discount"])
        #expect(columns.first?["type"] as? String == "BIGINT")
    }

    @Test("json: --sql runs over table t")
    func sqlCount() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["query", data.appendingPathComponent("sales.parquet").path,
                                        "--sql", "SELECT count(*) AS n FROM t", "--format", "json"])
        #expect(output.status == 0, "\(output.stderr)")
        let rows = try #require(try output.json()["rows"] as? [[Any]])
        #expect(rows.count == 1)
        #expect(rows.first?.first as? Int == 10000)
    }

    @Test("csv: a header line, then one line per row")
    func csv() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["query", "sales.parquet", "--columns", "id,region", "--order-by", "id",
                                        "--limit", "3", "--format", "csv"], in: data)
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
        #expect(lines == ["id,region", "1,south", "2,east", "3,west"])
    }

    @Test("ndjson: one object per line")
    func ndjson() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["query", "sales.parquet", "--filter", "id <= 5", "--order-by", "id DESC",
                                        "--format", "ndjson"], in: data)
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["id"] as? Int == 5)
        #expect(first["region"] as? String == "south")
    }

    @Test("table: names and types in the header, NULL shown, footer with the count")
    func table() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["query", "sales.parquet", "--sql",
                                        "SELECT id, region, discount FROM t WHERE id IN (9, 10, 11) ORDER BY id"], in: data)
        #expect(output.status == 0, "\(output.stderr)")
        let text = output.stdout
        for expected in ["id", "region", "discount", "BIGINT", "VARCHAR", "DOUBLE", "NULL", "┌", "│", "└", "3 rows"] {
            #expect(text.contains(expected), "missing \(expected) in\n\(text)")
        }
        // Numbers are right-aligned: the id cell ends just before the border.
        #expect(text.contains("│     10 │"), "\(text)")
        #expect(!text.contains("truncated"))
    }

    @Test("table: a limit that cuts the result is reported")
    func tableTruncated() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["query", "sales.parquet", "--limit", "2"], in: data)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("2 rows (truncated at limit)"))
    }

    @Test("Hive-partitioned directories and globs are read as one table")
    func directoriesAndGlobs() async throws {
        let data = try await SampleDataset.shared.directory()
        let directory = try await CLI.run(["query", "events", "--sql", "SELECT count(*) FROM t", "--format", "csv"], in: data)
        #expect(directory.status == 0, "\(directory.stderr)")
        #expect(directory.stdout.contains("7000"))
        let glob = try await CLI.run(["query", "batches/*.parquet", "--sql", "SELECT count(*) FROM t", "--format", "csv"], in: data)
        #expect(glob.status == 0, "\(glob.stderr)")
        #expect(glob.stdout.contains("260"))
    }
}
