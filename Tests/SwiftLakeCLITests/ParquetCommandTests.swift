import Foundation
import Testing

/// `swiftlake parquet metadata|stats|modify|merge`, through the built executable.
@Suite("parquet commands")
struct ParquetCommandTests {
    @Test("metadata --format json reports the row count")
    func metadataJSON() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["parquet", "metadata", "sales.parquet", "--format", "json"], in: data)
        #expect(output.status == 0, "\(output.stderr)")
        let json = try output.json()
        #expect(json["num_rows"] as? Int == 10000)
        #expect((json["row_groups"] as? [Any])?.isEmpty == false)
        #expect((json["schema"] as? [Any])?.isEmpty == false)
    }

    @Test("metadata as tables: facts, schema, row groups")
    func metadataTable() async throws {
        let data = try await SampleDataset.shared.directory()
        let output = try await CLI.run(["parquet", "metadata", "customers.parquet"], in: data)
        #expect(output.status == 0, "\(output.stderr)")
        for expected in ["rows", "500", "Schema", "Row groups", "address", "  city", "snappy"] {
            #expect(output.stdout.lowercased().contains(expected.lowercased()), "missing \(expected) in\n\(output.stdout)")
        }
    }

    @Test("stats summarises every column")
    func stats() async throws {
        let data = try await SampleDataset.shared.directory()
        let json = try await CLI.run(["parquet", "stats", "sales.parquet", "--format", "json"], in: data)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try json.json()
        #expect(document["row_count"] as? Int == 10000)
        let columns = try #require(document["columns"] as? [[String: Any]])
        #expect(columns.count == 7)
        let discount = try #require(columns.first { $0["name"] as? String == "discount" })
        #expect(discount["null_count"] as? Int == 1000)

        let table = try await CLI.run(["parquet", "stats", "sales.parquet"], in: data)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("discount"))
        #expect(table.stdout.contains("10000 rows summarised"))
    }

    @Test("modify writes a new file with the changes applied")
    func modify() async throws {
        let data = try await SampleDataset.shared.directory()
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let output = try await CLI.run([
            "parquet", "modify", data.appendingPathComponent("sales.parquet").path, "--output", "out.parquet",
            "--delete-where", "id > 100", "--set", "quantity=0", "--where", "id <= 10",
            "--add", "total=price * quantity", "--drop", "discount", "--rename", "ts=ordered_at", "--format", "json",
        ], in: work)
        #expect(output.status == 0, "\(output.stderr)")
        let metrics = try output.json()
        #expect(metrics["rows_read"] as? Int == 10000)
        #expect(metrics["rows_deleted"] as? Int == 9900)
        #expect(metrics["rows_updated"] as? Int == 10)
        #expect(metrics["rows_written"] as? Int == 100)

        let check = try await CLI.run(["query", "out.parquet", "--format", "json", "--sql",
                                       "SELECT count(*), count(*) FILTER (WHERE quantity = 0), max(id) FROM t"], in: work)
        #expect(check.status == 0, "\(check.stderr)")
        let row = try #require((try check.json()["rows"] as? [[Any]])?.first)
        #expect(row.compactMap { $0 as? Int } == [100, 10, 100])
        let columns = try #require(try check.json()["columns"] as? [[String: Any]])
        #expect(columns.count == 3)

        let schema = try await CLI.run(["query", "out.parquet", "--limit", "0", "--format", "json"], in: work)
        let names = try #require(try schema.json()["columns"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(names == ["id", "ordered_at", "region", "product", "quantity", "price", "total"])
    }

    @Test("modify refuses to replace an existing output without --overwrite")
    func modifyRefusesOverwrite() async throws {
        let data = try await SampleDataset.shared.directory()
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let arguments = ["parquet", "modify", data.appendingPathComponent("sales.parquet").path,
                         "--output", "out.parquet", "--delete-where", "id > 10"]
        let first = try await CLI.run(arguments, in: work)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("rows written"))
        let second = try await CLI.run(arguments, in: work)
        #expect(second.status == 5)
        #expect(second.stderr.hasPrefix("error: "))
        #expect(second.stderr.contains("--overwrite"), "\(second.stderr)")
        let third = try await CLI.run(arguments + ["--overwrite"], in: work)
        #expect(third.status == 0, "\(third.stderr)")
    }

    @Test("merge --dedupe-on id over the batches keeps 200 unique ids, later files winning")
    func mergeDedupe() async throws {
        let data = try await SampleDataset.shared.directory()
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let batches = data.appendingPathComponent("batches")
        let output = try await CLI.run([
            "parquet", "merge", batches.appendingPathComponent("batch_1.parquet").path,
            batches.appendingPathComponent("batch_2.parquet").path, batches.appendingPathComponent("batch_3.parquet").path,
            "--output", "merged.parquet", "--dedupe-on", "id", "--order-by", "id", "--format", "json",
        ], in: work)
        #expect(output.status == 0, "\(output.stderr)")
        let metrics = try output.json()
        #expect(metrics["files_merged"] as? Int == 3)
        #expect(metrics["rows_read"] as? Int == 260)
        #expect(metrics["rows_written"] as? Int == 200)

        let check = try await CLI.run(["query", "merged.parquet", "--format", "json", "--sql", """
            SELECT count(*), count(DISTINCT id), min(id), max(id),
                   any_value(source) FILTER (WHERE id = 60), any_value(source) FILTER (WHERE id = 145)
            FROM t
            """], in: work)
        #expect(check.status == 0, "\(check.stderr)")
        let row = try #require((try check.json()["rows"] as? [[Any]])?.first)
        #expect(row[0] as? Int == 200)
        #expect(row[1] as? Int == 200)
        #expect(row[2] as? Int == 1)
        #expect(row[3] as? Int == 200)
        // --order-by id decides which duplicate is "first" only among equal ids; with equal
        // keys the tie is broken by DuckDB, so only the count and range are checked strictly.
        #expect(["batch_1", "batch_2"].contains(row[4] as? String ?? ""))
        #expect(["batch_2", "batch_3"].contains(row[5] as? String ?? ""))
    }

    @Test("merge without --order-by keeps the row from the file listed last")
    func mergeLaterFileWins() async throws {
        let data = try await SampleDataset.shared.directory()
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let output = try await CLI.run(["parquet", "merge", data.appendingPathComponent("batches").path,
                                        "--output", "merged.parquet", "--dedupe-on", "id"], in: work)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("duplicates removed"))
        let check = try await CLI.run(["query", "merged.parquet", "--format", "csv", "--sql",
                                       "SELECT source FROM t WHERE id IN (60, 145) ORDER BY id"], in: work)
        #expect(check.stdout.split(separator: "\r\n").map(String.init) == ["source", "batch_2", "batch_3"])
    }
}
