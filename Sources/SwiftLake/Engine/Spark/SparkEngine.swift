import DuckDB
import Foundation
import SparkConnect
import Synchronization

/// Apache Spark through Spark Connect: the engine for data that outgrows one machine.
///
/// SwiftLake keeps doing what it does on DuckDB — it checks paths against the data roots,
/// plans Delta reads from the log (which files are live, which the statistics skip) — and
/// Spark turns the chosen files into rows. The files reach Spark inside each query's plan
/// (named relations, see ``SparkFileSource``), so concurrent requests share one session
/// without seeing each other's tables. Results stream back as Arrow batches and are
/// delivered as the same ``QueryCursor`` DuckDB's are, with the same column types.
///
/// The session is set up to answer as DuckDB does: UTC session time zone, ANSI SQL with
/// double-quoted identifiers (`"name"` is a column in both), and no SQL over arbitrary file
/// paths (`parquet.\`/some/path\`` is refused: only the files SwiftLake passes are read).
public final class SparkEngine: Sendable {
    /// The name responses report in their `engine` field.
    public static let name = "spark"

    /// Where the Spark Connect server is.
    public let connection: SparkConnectionString
    let client: SparkConnectClient
    let queryTimeout: Duration?
    /// Whether the session settings are known to be in place on the server (reset when the
    /// server was unreachable: a restarted server has a fresh session).
    private let configured = Mutex(false)
    /// Whether the server answered the last health check (it then has this engine's session).
    private let answeredStatus = Mutex(false)
    /// Which S3 buckets the server reads itself (``SparkS3Reads``).
    let s3Reach = SparkS3Reach()

    /// The settings every SwiftLake session runs with.
    static let sessionSettings: [String: String] = [
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.ansi.enabled": "true",
        "spark.sql.ansi.doubleQuotedIdentifiers": "true",
        "spark.sql.runSQLOnFiles": "false",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    ]

    /// Connects (lazily: nothing is sent until the first request) to the server at `remote`,
    /// a Spark Connect string (`sc://host:15002/;token=…;use_ssl=true`).
    public init(remote: String, queryTimeout: Duration?) throws {
        do {
            connection = try SparkConnectionString(remote)
        } catch {
            throw SwiftLakeError.invalid("invalid_spark_remote",
                                         "'\(remote)' is not a Spark Connect address: \(error). Use sc://host:port, e.g. sc://127.0.0.1:15002.")
        }
        client = try SparkConnectClient(connection)
        self.queryTimeout = queryTimeout
    }

    /// The server's address with any token hidden.
    public var remote: String { connection.redactedDescription }

    /// The Spark UI of a server on `host`, by Spark's default port.
    public var userInterfaceURL: String { "http://\(connection.host):4040" }

    /// Ends the session on the server.
    public func close() async {
        await client.close()
    }

    /// Puts the session settings in place, once per server session.
    func prepareSession() async throws {
        if configured.withLock({ $0 }) { return }
        do {
            try await client.setConfig(Self.sessionSettings)
            configured.withLock { $0 = true }
        } catch {
            throw SwiftLakeError(spark: error, remote: remote)
        }
    }

    /// Records a failure: after an unreachable server the settings are sent again.
    func noteFailure(_ error: any Error) {
        if let error = error as? SwiftLakeError, error.code == "spark_unavailable" {
            configured.withLock { $0 = false }
            s3Reach.forget()
        }
    }

    /// Runs `statement` (a single Spark SQL query over `sources`) and returns a cursor over
    /// its first `limit` rows. Only `limit + 1` rows are asked of Spark (the extra one tells
    /// whether the result was cut). A statement that is not a query fails to parse, because
    /// it is run as a subquery.
    ///
    /// `table`, when given, defines `t` as a common table expression over the sources (a
    /// Delta snapshot's files with their partition values); otherwise a source named `t` is.
    ///
    /// `lease`, when given, holds the S3 cache copies the sources name until the result has
    /// been read or the cursor is closed (it is released at once when the query fails).
    ///
    /// `duckdbColumns`, when given, are DuckDB's columns for the same statement: the answer
    /// is then reported in them (``SparkResultTypes``), or refused when it cannot be.
    func query(_ statement: String, sources: [SparkFileSource], table: String? = nil, limit: Int,
               holding lease: S3FileCache.Lease? = nil, matching duckdbColumns: [ResultColumn]? = nil) async throws -> QueryCursor {
        let started = ContinuousClock.now
        do {
            try await prepareSession()
            let with = table.map { "WITH t AS (\n\($0)\n)\n" } ?? ""
            let cap = limit < Int.max ? " LIMIT \(limit + 1)" : ""
            let query = "\(with)SELECT * FROM (\n\(Self.trimmed(statement))\n) AS swiftlake_result\(cap)"
            let result = client.sql(query, sources: sources, tags: ["swiftlake"])
            let source = SparkResultSource(client: client, result: result, remote: remote, timeout: queryTimeout, holding: lease)
            let first = try await source.fetch(rows: 1, columnar: false)
            let fields: [SparkConnect.ArrowField]
            if let schema = source.schema {
                fields = schema.fields
            } else {
                fields = try await client.schema(of: query, sources: sources).fields.map { SparkConnect.ArrowField(sparkField: $0) }
            }
            var columns = fields.map { field -> ResultColumn in
                let type = LogicalType(arrow: field)
                return ResultColumn(name: field.name, type: type.description, logicalType: type)
            }
            var batches = first
            if let duckdbColumns {
                let types: SparkResultTypes
                do {
                    types = try SparkResultTypes(spark: columns, duckdb: duckdbColumns)
                } catch {
                    source.close()
                    throw error
                }
                columns = types.columns
                batches = first.map(types.apply)
                source.types = types
            }
            return QueryCursor(source: source, columns: columns, engine: Self.name, first: batches, limit: limit, started: started)
        } catch {
            lease?.release()
            let mapped = (error as? SwiftLakeError) ?? SwiftLakeError(spark: error, remote: remote)
            noteFailure(mapped)
            throw mapped
        }
    }

    /// Runs `query` over `sources` and returns all its rows: for small answers (counts,
    /// checks), not for results a client streams.
    func collect(_ query: String, sources: [SparkFileSource]) async throws -> [[Value]] {
        try await mappingErrors {
            var rows: [[Value]] = []
            for try await batch in client.sql(query, sources: sources, tags: ["swiftlake"]) {
                for row in batch.rows { rows.append(row.map(Value.init(spark:))) }
            }
            return rows
        }
    }

    /// The schema of `query`'s result over `sources`, without running it.
    func schema(of query: String, sources: [SparkFileSource]) async throws -> SparkDataType {
        try await mappingErrors { try await client.schema(of: query, sources: sources) }
    }

    /// Writes the rows of `query` over `sources` as Parquet files with `compression` (a Spark
    /// codec name: `snappy`, `zstd`, `gzip`, `lz4_raw`, `uncompressed`) into `directory` (which
    /// must not exist yet), in Hive directories of `partitionBy`, and waits for the write to
    /// finish.
    ///
    /// How many files Spark writes is the query's business: one file needs a query that ends
    /// in a single partition (the `/*+ COALESCE(1) */` hint). Spark's `_SUCCESS` and `.crc`
    /// files land beside the data files.
    func writeParquet(_ query: String, sources: [SparkFileSource], to directory: String, partitionBy: [String] = [],
                      compression: String = "snappy") async throws {
        try await mappingErrors {
            try await client.write(query, sources: sources, to: directory, format: "parquet", partitionBy: partitionBy,
                                   mode: .errorIfExists, options: ["compression": compression], tags: ["swiftlake"])
        }
    }

    /// Runs `body` with the session prepared, translating Spark's errors.
    private func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            try await prepareSession()
            return try await body()
        } catch {
            let mapped = (error as? SwiftLakeError) ?? SwiftLakeError(spark: error, remote: remote)
            noteFailure(mapped)
            throw mapped
        }
    }

    /// How long `/api/health` waits for an answer from a server this engine has already
    /// talked to, and from one it has not (the first request opens the HTTP/2 channel and
    /// makes the server create a session, which takes seconds on a busy server).
    static let statusWait: (known: Duration, firstContact: Duration) = (.seconds(3), .seconds(15))

    /// The engine's state for `/api/health`: whether the server answers (within `wait`, by
    /// default ``statusWait``), and its Spark version. A call that fails fast (a server still
    /// starting, a channel being re-opened) is retried until the wait is over; when the server
    /// never answers, `detail` says why.
    public func status(wait: Duration? = nil) async -> EngineStatus {
        let client = client
        let known = configured.withLock { $0 } || answeredStatus.withLock { $0 }
        let wait = wait ?? (known ? Self.statusWait.known : Self.statusWait.firstContact)
        let deadline = ContinuousClock.now.advanced(by: wait)
        let lastError = FailureNote()
        let version: String? = await withTaskGroup(of: String?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do { return try await client.sparkVersion() } catch {
                        lastError.text.withLock { $0 = String(describing: error) }
                        try? await Task.sleep(for: .milliseconds(250))
                    }
                }
                return nil
            }
            group.addTask { try? await Task.sleep(until: deadline); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        answeredStatus.withLock { $0 = version != nil }
        if version == nil { configured.withLock { $0 = false } }
        let reason = lastError.text.withLock { $0 } ?? "no answer within \(wait)"
        return EngineStatus(name: Self.name, available: version != nil, version: version,
                            detail: version == nil ? "\(remote) (not reachable: \(reason))" : remote,
                            uiURL: userInterfaceURL)
    }

    /// `statement` without trailing semicolons and blanks (it becomes a subquery).
    static func trimmed(_ statement: String) -> String {
        var text = Substring(statement)
        while let last = text.last, last == ";" || last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}

/// The last error a status probe saw, shared between the probe and the caller.
private final class FailureNote: Sendable {
    let text = Mutex<String?>(nil)
}

extension ResultColumn {
    /// A Spark result column under its DuckDB type.
    init(spark field: SparkStructField) {
        let type = LogicalType(arrow: SparkConnect.ArrowField(sparkField: field))
        self.init(name: field.name, type: type.description, logicalType: type)
    }
}

extension SparkConnect.ArrowField {
    /// The Arrow field Spark would send for a column of `field`'s type (used when a result
    /// has no batch to take the schema from).
    init(sparkField field: SparkStructField) {
        self = SparkConnect.ArrowField.from(field.dataType, name: field.name, nullable: field.nullable)
    }

    private static func from(_ type: SparkDataType, name: String, nullable: Bool) -> SparkConnect.ArrowField {
        switch type {
        case .null: return SparkConnect.ArrowField(name: name, type: .null, nullable: nullable)
        case .boolean: return SparkConnect.ArrowField(name: name, type: .boolean, nullable: nullable)
        case .byte: return SparkConnect.ArrowField(name: name, type: .int(bitWidth: 8, signed: true), nullable: nullable)
        case .short: return SparkConnect.ArrowField(name: name, type: .int(bitWidth: 16, signed: true), nullable: nullable)
        case .integer: return SparkConnect.ArrowField(name: name, type: .int(bitWidth: 32, signed: true), nullable: nullable)
        case .long: return SparkConnect.ArrowField(name: name, type: .int(bitWidth: 64, signed: true), nullable: nullable)
        case .float: return SparkConnect.ArrowField(name: name, type: .float32, nullable: nullable)
        case .double: return SparkConnect.ArrowField(name: name, type: .float64, nullable: nullable)
        case .decimal(let p, let s): return SparkConnect.ArrowField(name: name, type: .decimal(precision: p, scale: s, bitWidth: 128), nullable: nullable)
        case .string, .char, .varchar: return SparkConnect.ArrowField(name: name, type: .utf8, nullable: nullable)
        case .binary: return SparkConnect.ArrowField(name: name, type: .binary, nullable: nullable)
        case .date: return SparkConnect.ArrowField(name: name, type: .date(unit: .day), nullable: nullable)
        case .timestamp: return SparkConnect.ArrowField(name: name, type: .timestamp(unit: .microsecond, timeZone: "UTC"), nullable: nullable)
        case .timestampNTZ: return SparkConnect.ArrowField(name: name, type: .timestamp(unit: .microsecond, timeZone: nil), nullable: nullable)
        case .time: return SparkConnect.ArrowField(name: name, type: .time(unit: .nanosecond, bitWidth: 64), nullable: nullable)
        case .calendarInterval, .yearMonthInterval, .dayTimeInterval:
            return SparkConnect.ArrowField(name: name, type: .interval(unit: .monthDayNano), nullable: nullable)
        case .array(let element, let containsNull):
            return SparkConnect.ArrowField(name: name, type: .list, nullable: nullable,
                              children: [from(element, name: "element", nullable: containsNull)])
        case .structure(let fields):
            return SparkConnect.ArrowField(name: name, type: .structure, nullable: nullable,
                              children: fields.map { from($0.dataType, name: $0.name, nullable: $0.nullable) })
        case .map(let key, let value, let valueContainsNull):
            let entries = SparkConnect.ArrowField(name: "entries", type: .structure, nullable: false,
                                     children: [from(key, name: "key", nullable: false),
                                                from(value, name: "value", nullable: valueContainsNull)])
            return SparkConnect.ArrowField(name: name, type: .map(keysSorted: false), nullable: nullable, children: [entries])
        case .variant, .other:
            return SparkConnect.ArrowField(name: name, type: .utf8, nullable: nullable)
        }
    }
}
