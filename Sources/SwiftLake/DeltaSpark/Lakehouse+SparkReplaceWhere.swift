import DeltaLake
import Foundation
import SparkConnect

/// What an overwrite with `replace_where` replaced on Spark: the files removed, the files
/// written with the rows of partly matching files that do not match, and the row counts.
struct SparkReplacedRows {
    var removed: [AddFile] = []
    var adds: [AddFile] = []
    var deletedRows: Int64 = 0
    var copiedRows: Int64 = 0
}

extension Lakehouse {
    /// Refuses (400 `replace_where_violation`, nothing written) new rows that `predicate`
    /// does not hold for: an overwrite with `replace_where` may only write rows it replaces,
    /// as on DuckDB. `rows` is the Spark query of the rows to write, `with` its `WITH t AS (…)`.
    func sparkCheckReplaceWhere(_ predicate: String, rows: String, with: String, sources: [SparkFileSource],
                                spark: SparkEngine) async throws {
        let answer = try await spark.collect(
            "\(with)SELECT count(*), count_if(NOT coalesce((\(predicate)), false)) FROM (\n\(rows)\n) AS swiftlake_rows", sources: sources)
        let counts = answer.first?.map(\.intValue) ?? []
        guard counts.count == 2, counts[1] > 0 else { return }
        throw SwiftLakeError.invalid("replace_where_violation",
            "\(counts[1]) of the \(counts[0]) rows to write do not match 'replace_where' (\(predicate)); an overwrite with replace_where may only write rows it replaces. Filter them out in 'sql'.")
    }

    /// The rows of `snapshot` that `predicate` matches, replaced as DuckDB replaces them
    /// (``deltaWrite(_:progress:)``): files the statistics rule out are not read, files whose
    /// rows all match are removed, and files with some matches are rewritten by Spark (through
    /// `writer`, whose schema is `schema`: columns the write adds are NULL) with only the rows
    /// that do not match.
    func sparkReplaceRows(matching predicate: String, in snapshot: Snapshot, schema: DeltaSchema, writer: SparkDeltaFileWriter,
                          spark: SparkEngine) async throws -> SparkReplacedRows {
        let candidates = try await deltaCandidates(snapshot, predicate: predicate)
        var replaced = SparkReplacedRows()
        guard !candidates.isEmpty else { return replaced }
        let (scan, lease) = try await sparkDeltaScan(snapshot, files: candidates, withFileColumn: true)
        defer { lease?.release() }
        let file = SparkDeltaScan.fileColumn
        var partial: [String] = []
        for match in try await sparkMatchingFiles(scan, of: candidates, predicate: predicate, spark: spark) {
            replaced.removed.append(match.add)
            replaced.deletedRows += match.matched
            replaced.copiedRows += match.total - match.matched
            if match.matched < match.total { partial.append(match.sparkPath) }
        }
        guard !partial.isEmpty else { return replaced }
        let columns = schema.fields.map { field -> String in
            let name = SparkSQL.identifier(field.name)
            return snapshot.schema.field(named: field.name) == nil ? "CAST(NULL AS \(SparkSQL.type(field.type))) AS \(name)" : name
        }
        let list = partial.map(SparkSQL.string).joined(separator: ", ")
        let kept = "SELECT \(columns.joined(separator: ", ")) FROM t WHERE \(file) IN (\(list)) AND NOT coalesce((\(predicate)), false)"
        replaced.adds = try await writer.write(rows: kept, sources: scan.sources, table: scan.table, spark: spark, duckdb: duckdb).adds
        return replaced
    }
}
