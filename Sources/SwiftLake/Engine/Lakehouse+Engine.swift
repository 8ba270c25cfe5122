import Foundation
import SparkConnect

/// The engine an operation runs on.
enum SelectedEngine {
    case duckdb
    case spark(SparkEngine)
}

extension Lakehouse {
    /// The engine for a request: the one asked for, or with `auto` (the default) Spark when
    /// it is configured and the request scans more than ``LakehouseConfiguration/sparkThresholdBytes``
    /// bytes, else DuckDB. Asking for Spark where it is not configured is a 503.
    func selectEngine(_ choice: EngineChoice?, bytesToScan: @autoclosure () -> Int64) throws -> SelectedEngine {
        switch choice ?? .auto {
        case .duckdb:
            return .duckdb
        case .spark:
            guard let spark else { throw Self.sparkNotConfigured }
            return .spark(spark)
        case .auto:
            guard let spark, bytesToScan() > configuration.sparkThresholdBytes else { return .duckdb }
            return .spark(spark)
        }
    }

    /// For operations that run on DuckDB only (so far): an explicit `"engine": "spark"` is
    /// refused rather than silently run elsewhere; `auto` runs on DuckDB.
    func requireDuckDB(_ choice: EngineChoice?, operation: String) throws {
        guard choice == .spark else { return }
        if spark == nil { throw Self.sparkNotConfigured }
        throw SwiftLakeError(.unprocessable, code: "engine_unsupported",
                             "\(operation) does not run on the Spark engine yet. Send it with \"engine\": \"duckdb\" or \"auto\" (the embedded engine runs it).")
    }

    /// DuckDB's columns for `statement` with `t` defined by `definition`: the statement is
    /// bound, not run (only footers are read). What Spark's answer is reported in.
    func duckDBColumns(of statement: String, over definition: TableDefinition, parquetFiles: [String] = []) async throws -> [ResultColumn] {
        try await duckdb.withConnection(parquetFiles: parquetFiles) { connection in
            try self.duckdb.defineTable(definition, on: connection)
            _ = try ReadOnlyStatement.prepare(statement, on: connection)
            return try connection.query("SELECT * FROM (\(statement)) AS swiftlake_result LIMIT 0").columns.map(ResultColumn.init)
        }
    }

    static let sparkNotConfigured = SwiftLakeError(
        .unavailable, code: "engine_unavailable",
        "The Spark engine is not configured on this server. Start the server with --spark sc://HOST:15002 (or set SPARK_REMOTE), or use \"engine\": \"duckdb\" or \"auto\".")

    /// The total size of local `files` (what `auto` compares with the threshold).
    static func totalSize(_ files: [String]) -> Int64 {
        files.reduce(0) { sum, file in
            sum + (((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// Parquet files as the Spark source `t`, read as DuckDB reads them: columns merged by
    /// name across files, and Hive partition directories (`region=eu/`) as columns.
    static func sparkParquetSource(_ files: [String], name: String = "t") -> SparkFileSource {
        var options = ["mergeSchema": "true"]
        if let base = hiveBasePath(files) { options["basePath"] = base }
        return SparkFileSource(name: name, paths: files, options: options)
    }

    /// The directory above the Hive partition directories of `files` (local paths or
    /// `s3a://` URIs), if their paths have any.
    static func hiveBasePath(_ files: [String]) -> String? {
        // Split by hand: NSString's path functions fold the `//` of `s3a://bucket/…`.
        let directories = files.map { Array($0.split(separator: "/", omittingEmptySubsequences: false).dropLast()) }
        guard var common = directories.first else { return nil }
        for directory in directories.dropFirst() {
            let shared = zip(common, directory).prefix { $0 == $1 }.count
            common = Array(common.prefix(shared))
        }
        let hasHive = directories.contains { $0.dropFirst(common.count).contains { $0.contains("=") } }
            || common.last?.contains("=") == true
        guard hasHive else { return nil }
        while let last = common.last, last.contains("=") { common.removeLast() }
        return common.joined(separator: "/")
    }
}
