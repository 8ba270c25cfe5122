import DuckDB
import Foundation
import Synchronization

/// Deleted rows of large deletion vectors, loaded into a temporary table through an
/// ``Appender`` on the query's own connection instead of being spelled out in the SQL.
///
/// ``DeltaScan`` registers the rows under the setup SQL that reads them (which names a table
/// unique to the request); ``DuckDBEngine/defineTable(setup:on:force:)`` calls
/// ``load(for:on:)`` before it runs a setup. On each pooled connection the table of the
/// previous request is dropped then, so no request sees another's rows and a connection keeps
/// at most one request's table.
enum DeletedRowsTable {
    /// Above this many deleted rows in one read, rows are appended rather than inlined.
    static let inlineLimit = 1_000
    static let namePrefix = "__swiftlake_delta_deleted_"

    private struct Pending {
        var table: String
        var rows: [String: [UInt64]]
        var registered: ContinuousClock.Instant
    }

    /// Rows waiting for their setup to run, by setup SQL.
    private static let pending = Mutex<[String: Pending]>([:])
    /// The setup and table last loaded on each connection.
    private static let loaded = Mutex<[ObjectIdentifier: (setup: String, table: String)]>([:])

    /// A table name no other request uses.
    static func uniqueName() -> String {
        namePrefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Registers `rows` (deleted row indexes by file path) to be loaded into `table` when
    /// `setup` runs. Registrations never run (a request that failed first) expire after 10 minutes.
    static func register(_ rows: [String: [UInt64]], table: String, setup: String) {
        let now = ContinuousClock.now
        pending.withLock { entries in
            entries = entries.filter { now - $0.value.registered < .seconds(600) }
            entries[setup] = Pending(table: table, rows: rows, registered: now)
        }
    }

    /// Prepares `connection` for `setup`: drops the table an earlier setup loaded there and
    /// loads the one `setup` needs, if any (a setup run again on the same connection, as after
    /// a schema change, keeps its table).
    static func load(for setup: String, on connection: Connection) throws {
        let key = ObjectIdentifier(connection)
        let previous = loaded.withLock { $0[key] }
        if previous?.setup == setup { return }
        if let previous {
            try connection.execute("DROP TABLE IF EXISTS temp.\(SQL.identifier(previous.table))")
            _ = loaded.withLock { $0.removeValue(forKey: key) }
        }
        guard let entry = pending.withLock({ $0.removeValue(forKey: setup) }) else { return }
        try connection.execute("CREATE OR REPLACE TEMP TABLE \(SQL.identifier(entry.table)) (file VARCHAR, row_index BIGINT)")
        loaded.withLock { $0[key] = (setup, entry.table) }
        let appender = try Appender(connection: connection, table: entry.table)
        for (file, rows) in entry.rows {
            for row in rows { try appender.append(row: [.varchar(file), .bigint(Int64(row))]) }
        }
        try appender.close()
    }
}
