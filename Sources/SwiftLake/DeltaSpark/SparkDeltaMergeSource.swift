import DeltaLake
import Foundation
import SparkConnect

/// A MERGE's source as Spark reads it: the relations, `WITH t AS (…)` (the source's data)
/// and the source rows (`source.sql` over `t`, run by Spark, or all of `t`) as
/// ``SparkDeltaMergeQuery/sourceName``, with the rows' columns and what file skipping can
/// learn from the join keys (as ``DeltaMergeStagedSource`` has for DuckDB).
///
/// Parquet `source_paths` and a `delta` source are read by Spark where they are (in S3: from
/// local copies in the S3 cache, held by ``lease``); JSON `rows` cannot reach Spark, so DuckDB
/// stages them first as a local Parquet file (typed against the target's columns, as for the
/// DuckDB merge). ``remove()`` deletes the staged file and releases the copies.
struct SparkDeltaMergeSource {
    /// The relation the source's files are read as (Parquet sources and staged rows).
    static let input = "swiftlake_merge_input"
    /// The relations' prefix for a Delta source's files (the target's are `swiftlake_part_N`).
    static let deltaPrefix = "swiftlake_merge_source_part_"

    var sources: [SparkFileSource]
    /// `WITH t AS (…), swiftlake_merge_source AS (…)`.
    var with: String
    /// The source rows' columns.
    var columns: [SparkStructField] = []
    /// A predicate over the target's columns (DuckDB SQL, for ``FileSkipping``) that every
    /// target row the merge can match satisfies (`nil`: any row may match), and whether no
    /// row can match at all (a key column with no values).
    var keyPredicate: String?
    var matchesNothing = false
    /// JSON rows staged as Parquet.
    var stagedFile: String?
    /// Local copies of source files in S3, held until the merge is done.
    var lease: S3FileCache.Lease?

    init(sources: [SparkFileSource], table: String, statement: String, stagedFile: String?) {
        self.sources = sources
        self.stagedFile = stagedFile
        with = "WITH t AS (\n\(table)\n),\n\(SparkDeltaMergeQuery.sourceName) AS (SELECT * FROM (\n\(SparkEngine.trimmed(statement))\n) AS swiftlake_input)"
    }

    /// Deletes the staged rows and releases the local copies of files in S3.
    func remove() {
        if let stagedFile { try? FileManager.default.removeItem(atPath: stagedFile) }
        lease?.release()
    }

    /// A Delta scan's relations under ``deltaPrefix``, so they do not collide with the
    /// target's. The scan's SQL names each relation exactly once (`FROM swiftlake_part_N`);
    /// anything else (a column of that name) is refused rather than renamed wrongly.
    static func renamed(_ scan: SparkDeltaScan) throws -> (sources: [SparkFileSource], table: String) {
        let pattern = try NSRegularExpression(pattern: #"\bswiftlake_part_([0-9]+)\b"#)
        let whole = NSRange(scan.table.startIndex..., in: scan.table)
        let names = scan.sources.map(\.name)
        guard pattern.numberOfMatches(in: scan.table, range: whole) == names.count,
              names.allSatisfy({ $0.range(of: #"^swiftlake_part_[0-9]+$"#, options: .regularExpression) != nil }) else {
            throw SwiftLakeError(.unprocessable, code: "engine_unsupported",
                "The Spark engine cannot read this Delta source for a merge yet. Send the merge with \"engine\": \"duckdb\" (or \"auto\").")
        }
        let table = pattern.stringByReplacingMatches(in: scan.table, range: whole, withTemplate: deltaPrefix + "$1")
        let sources = scan.sources.map { source -> SparkFileSource in
            var renamed = source
            renamed.name = deltaPrefix + String(source.name.dropFirst("swiftlake_part_".count))
            return renamed
        }
        return (sources, table)
    }

    /// Whether Spark source keys of `type` compare with a target column of `target` as the
    /// literals of file skipping would (integers with integers, strings, dates).
    static func keyTypesAgree(_ type: SparkDataType, _ target: DataType) -> Bool {
        guard case .primitive(let primitive) = target else { return false }
        switch primitive {
        case .byte, .short, .integer, .long: return ([.byte, .short, .integer, .long] as [SparkDataType]).contains(type)
        case .string: return type == .string
        case .date: return type == .date
        default: return false
        }
    }
}

extension Lakehouse {
    /// The source of `request` for a merge on Spark into `target`, with its columns and key
    /// predicate (``DeltaMergeKeys``, from the distinct key values Spark finds, or their
    /// range; not looked for without `needsKeys`, when every target file is read anyway).
    /// `nil` when `auto` must leave the merge to DuckDB (a Delta source Spark cannot read,
    /// ``SparkDeltaScan/refusal(_:files:writing:)``); with an explicit `spark` that is a 422.
    func sparkMergeSource(_ request: DeltaMergeRequest, target: Snapshot, keys: DeltaMergeKeys, needsKeys: Bool, spark: SparkEngine,
                          progress: ProgressHandler?) async throws -> SparkDeltaMergeSource? {
        let source = request.source
        let given = [source.rows != nil, source.sourcePaths != nil, source.delta != nil].filter { $0 }.count
        guard given == 1 else {
            throw SwiftLakeError.invalid(given == 0 ? "missing_source" : "conflicting_fields",
                "Give the merge source in exactly one of 'source.rows' (JSON objects), 'source.source_paths' (Parquet files) or 'source.delta' ({\"path\": …, \"version\": …}), optionally reshaped by 'source.sql'.")
        }
        let statement = source.sql ?? "SELECT * FROM t"
        var merge: SparkDeltaMergeSource
        if let delta = source.delta {
            let table = try deltaReadTable(delta.path)
            let snapshot = try await deltaSnapshot(table, version: delta.version, timestamp: nil)
            let (scan, lease): (SparkDeltaScan, S3FileCache.Lease?)
            do {
                (scan, lease) = try await sparkDeltaScan(snapshot, files: snapshot.activeFiles)
            } catch let error as SwiftLakeError where error.code == "engine_unsupported" {
                if request.engine != .spark { return nil }
                throw error
            }
            do {
                let renamed = try SparkDeltaMergeSource.renamed(scan)
                merge = SparkDeltaMergeSource(sources: renamed.sources, table: renamed.table, statement: statement, stagedFile: nil)
                merge.lease = lease
            } catch {
                lease?.release()
                throw error
            }
        } else if let paths = source.sourcePaths {
            var lease: S3FileCache.Lease?
            let files: [String]
            do {
                files = try sparkLocalPaths(try await parquetFiles(paths, lease: &lease), lease: lease)
            } catch {
                lease?.release()
                throw error
            }
            merge = SparkDeltaMergeSource(sources: [Self.sparkParquetSource(files, name: SparkDeltaMergeSource.input)],
                                          table: "SELECT * FROM \(SparkDeltaMergeSource.input)", statement: statement, stagedFile: nil)
            merge.lease = lease
        } else {
            // JSON rows: DuckDB types and stages them (the request's `sql` is Spark's, below).
            var rowsOnly = request
            rowsOnly.source.sql = nil
            let staged = try await stageMergeSource(rowsOnly, target: target, keys: DeltaMergeKeys(on: "", targetAlias: "", sourceAlias: ""),
                                                    progress: progress)
            guard let file = staged.file else {   // JSON rows are always staged as a file
                throw SwiftLakeError(.internal, code: "merge_source_not_staged", "The merge's JSON rows were not staged as a file.")
            }
            merge = SparkDeltaMergeSource(sources: [SparkFileSource(name: SparkDeltaMergeSource.input, paths: [file])],
                                          table: "SELECT * FROM \(SparkDeltaMergeSource.input)", statement: statement, stagedFile: file)
        }
        do {
            let schema = try await spark.schema(of: "\(merge.with)\nSELECT * FROM \(SparkDeltaMergeQuery.sourceName)", sources: merge.sources)
            merge.columns = schema.fields
            if needsKeys { try await sparkMergeKeyPredicate(keys, source: &merge, target: target, spark: spark) }
        } catch {
            merge.remove()
            throw error
        }
        return merge
    }

    /// Fills in the key predicate of `source`, as ``mergeKeyPredicate(_:source:relation:target:on:)``
    /// does on DuckDB: `col IN (…)` for up to ``DeltaMergeKeys/inListLimit`` distinct values,
    /// else `col BETWEEN min AND max`.
    private func sparkMergeKeyPredicate(_ keys: DeltaMergeKeys, source: inout SparkDeltaMergeSource, target: Snapshot,
                                        spark: SparkEngine) async throws {
        var parts: [String] = []
        let rows = SparkDeltaMergeQuery.sourceName
        for pair in keys.pairs {
            guard let field = target.schema.field(named: pair.target),
                  let column = source.columns.first(where: { $0.name == pair.source }),
                  SparkDeltaMergeSource.keyTypesAgree(column.dataType, field.type) else { continue }
            let name = SparkSQL.identifier(pair.source)
            let distinct = try await spark.collect("""
                \(source.with)
                SELECT CAST(k AS STRING) FROM (SELECT DISTINCT \(name) AS k FROM \(rows) WHERE \(name) IS NOT NULL LIMIT \(DeltaMergeKeys.inListLimit + 1)) AS swiftlake_keys
                """, sources: source.sources)
            let values = distinct.compactMap { row -> String? in
                if let first = row.first, case .varchar(let v) = first { return v } else { return nil }
            }
            if values.isEmpty {
                source.matchesNothing = true
                return
            }
            let target = SQL.identifier(pair.target)
            if values.count <= DeltaMergeKeys.inListLimit {
                let literals = values.compactMap { DeltaMergeKeys.literal($0, type: field.type) }
                if literals.count == values.count { parts.append("\(target) IN (\(literals.joined(separator: ", ")))") }
            } else {
                let bounds = try await spark.collect("\(source.with)\nSELECT CAST(min(\(name)) AS STRING), CAST(max(\(name)) AS STRING) FROM \(rows)",
                                                     sources: source.sources).first ?? []
                if bounds.count == 2, case .varchar(let low) = bounds[0], case .varchar(let high) = bounds[1],
                   let lo = DeltaMergeKeys.literal(low, type: field.type), let hi = DeltaMergeKeys.literal(high, type: field.type) {
                    parts.append("\(target) BETWEEN \(lo) AND \(hi)")
                }
            }
        }
        source.keyPredicate = parts.isEmpty ? nil : parts.joined(separator: " AND ")
    }
}
