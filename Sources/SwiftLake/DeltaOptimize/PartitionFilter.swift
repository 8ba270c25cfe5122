import DeltaLake
import DuckDB
import Foundation

/// A predicate over a table's partition columns only, evaluated by DuckDB against each
/// file's typed partition values from the log (no data file is read).
///
/// Used where an operation may only select whole partitions (OPTIMIZE's `where`): a
/// predicate naming a data column is a 400 that says so.
struct PartitionFilter {
    let snapshot: Snapshot
    let predicate: String
    /// Which request field the predicate came from, for error messages.
    let field: String

    private static let fileColumn = "__swiftlake_file"

    /// The files of `files` whose partition values satisfy the predicate (NULL: no).
    func matching(_ files: [AddFile], on connection: Connection) throws -> [AddFile] {
        let partitionColumns = snapshot.metadata.partitionColumns
        let fields = partitionColumns.compactMap { snapshot.schema.field(named: $0) }
        let table = "__swiftlake_partitions_" + UUID().uuidString.prefix(8).lowercased()
        var columns = [SQL.identifier(Self.fileColumn)]
        columns += fields.map { SQL.identifier($0.name) }
        var rows: [String] = []
        for (index, file) in files.enumerated() {
            let typed = try PartitionValues.typed(file.partitionValues, schema: snapshot.schema, partitionColumns: partitionColumns)
            rows.append("(" + ([String(index)] + fields.map { DeltaScan.literal(typed[$0.name] ?? .null, type: $0.type) }).joined(separator: ", ") + ")")
        }
        if rows.isEmpty {
            // Still bind the predicate, so a wrong column is reported on an empty table too.
            rows = ["(-1" + fields.map { ", " + DeltaScan.typedNull($0.type) }.joined() + ")"]
        }
        try connection.execute("CREATE TEMP TABLE \(table) AS SELECT * FROM (VALUES \(rows.joined(separator: ", "))) AS v(\(columns.joined(separator: ", ")))")
        defer { try? connection.execute("DROP TABLE IF EXISTS \(table)") }
        let selected: [[Value]]
        do {
            // One expression only: text that closes it and starts another statement is refused.
            let statements = try connection.extractStatements("SELECT (\(predicate)) FROM \(table) LIMIT 0")
            guard statements.count == 1, case .select = statements[0].statementType else {
                throw SwiftLakeError.invalid("invalid_expression", "'\(field)' must be a single SQL predicate; got '\(predicate)'.")
            }
            selected = try connection.query("SELECT \(SQL.identifier(Self.fileColumn)) FROM \(table) WHERE coalesce((\(predicate)), false)").rows()
        } catch let error as DuckDBError {
            throw explain(error)
        }
        return selected.compactMap { row in
            let index = row[0].intValue
            return index >= 0 && index < files.count ? files[index] : nil
        }
    }

    /// A 400 for a predicate DuckDB could not evaluate over the partition columns: naming
    /// the data columns it uses when it uses any.
    private func explain(_ error: DuckDBError) -> SwiftLakeError {
        let partitionColumns = snapshot.metadata.partitionColumns
        let dataColumns = snapshot.schema.fields.map(\.name).filter { !partitionColumns.contains($0) }
        let used = dataColumns.filter { name in
            let pattern = "(?i)(^|[^A-Za-z0-9_])\"?" + NSRegularExpression.escapedPattern(for: name) + "\"?($|[^A-Za-z0-9_])"
            return predicate.range(of: pattern, options: .regularExpression) != nil
        }
        let allowed = partitionColumns.isEmpty ? "the table is not partitioned, so leave it out" : "its partition columns: \(partitionColumns.joined(separator: ", "))"
        if !used.isEmpty {
            return SwiftLakeError.invalid("predicate_on_data_column",
                "'\(field)' may only use partition columns, but '\(predicate)' uses the data column\(used.count > 1 ? "s" : "") \(used.joined(separator: ", ")) (\(allowed)).")
        }
        return SwiftLakeError.invalid("invalid_expression",
            "'\(field)' is not a valid SQL predicate over the partition columns (\(allowed)): \(error.message)")
    }
}
