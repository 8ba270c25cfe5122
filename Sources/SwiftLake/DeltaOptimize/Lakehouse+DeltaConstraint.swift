import DeltaLake
import DuckDB
import Foundation

extension Lakehouse {
    /// Adds the CHECK constraint `name` (`expression`, SQL over the table's columns) after
    /// checking every existing row satisfies it.
    ///
    /// - The commit (`ADD CONSTRAINT`, parameters `name` and `expr` as Spark records them)
    ///   sets the property `delta.constraints.<name>` (name lower-cased, as Spark does) and
    ///   upgrades the protocol as Delta requires: writer version 3, or the `checkConstraints`
    ///   writer feature on a table-features (writer version 7) protocol.
    /// - From then on every SwiftLake write checks the rows it writes (``ConstraintCheck``);
    ///   so do Spark and delta-rs.
    /// - It is committed with `Serializable` isolation: rows appended while it checked make it
    ///   a 409, so no unchecked row slips in.
    ///
    /// - Throws: ``SwiftLakeError``: 422 `check_constraint_violation` naming how many rows
    ///   violate it (nothing committed); 409 `constraint_exists`; 400 for a bad name or an
    ///   expression DuckDB cannot evaluate over the table; 404 without a table.
    public func deltaAddConstraint(path: String, name: String, expression: String) async throws -> DeltaConstraintResult {
        let key = try Self.constraintKey(name)
        let expression = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !expression.isEmpty else {
            throw SwiftLakeError.invalid("invalid_expression", "Give the constraint's 'expression', a SQL predicate over the table's columns, e.g. \"amount >= 0\".")
        }
        let table = try deltaWriteTable(path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(path)' (no _delta_log). Check the path.")
        }
        let lowered = key.dropFirst(ConstraintCheck.prefix.count)
        if let existing = snapshot.metadata.configuration[key] {
            throw SwiftLakeError(.conflict, code: "constraint_exists",
                "The table already has the CHECK constraint \(lowered) (\(existing)). Drop it first, or choose another name.")
        }
        var transaction = try startDeltaTransaction(table, from: snapshot, operation: "ADD CONSTRAINT",
                                                    parameters: ["name": .string(String(lowered)), "expr": .string(expression)])
        transaction.isolationLevel = .serializable

        let scan = try await deltaTargetScan(snapshot, files: snapshot.activeFiles)
        let counts = try await duckdb.withConnection { connection -> (rows: Int64, violating: Int64) in
            defer { try? connection.execute(scan.teardown()) }
            try connection.execute(scan.setup())
            try ReadOnlyStatement.validateExpression(expression, over: scan.view, on: connection, field: "expression")
            do {
                let row = try connection.query("SELECT count(*), count(*) FILTER (WHERE \(ConstraintCheck.violates(expression))) FROM \(scan.view)").rows()[0]
                return (Int64(row[0].intValue), Int64(row[1].intValue))
            } catch let error as DuckDBError {
                throw SwiftLakeError.invalid("invalid_expression",
                    "'expression' is not a SQL predicate over the table's columns (\(snapshot.schema.fields.map(\.name).joined(separator: ", "))): \(error.message)")
            }
        }
        if counts.violating > 0 {
            throw SwiftLakeError(.unprocessable, code: "check_constraint_violation",
                "\(counts.violating) of the table's \(counts.rows) rows violate the CHECK constraint \(lowered) (\(expression)) (a NULL result violates too), so it was not added. Delete or update those rows first (their predicate: NOT coalesce((\(expression)), false)).")
        }
        var metadata = snapshot.metadata
        metadata.configuration[key] = expression
        var proto = snapshot.protocol
        if proto.minWriterVersion < 3 {
            proto.minWriterVersion = 3
        } else if proto.minWriterVersion >= 7, !(proto.writerFeatures ?? []).contains("checkConstraints") {
            proto.writerFeatures = (proto.writerFeatures ?? []) + ["checkConstraints"]
        }
        do {
            try transaction.updateMetadata(metadata)
            if proto != snapshot.protocol { try transaction.updateProtocol(proto) }
        } catch let error as DeltaError {
            throw SwiftLakeError(error)
        }
        let version = try await commitDelta(transaction, metrics: [:], writer: nil)
        var result = DeltaConstraintResult(version: version, operation: "ADD CONSTRAINT", committed: true, name: String(lowered),
                                           expression: expression, constraints: WriterFeatures.constraints(of: metadata),
                                           minWriterVersion: proto.minWriterVersion)
        result.rowsChecked = counts.rows
        return result
    }

    /// Drops the CHECK constraint `name` (a `DROP CONSTRAINT` commit removing the property
    /// `delta.constraints.<name>`; the protocol stays as it is). A missing constraint is a 404
    /// naming the table's constraints, or, with `ifExists`, nothing to do (`committed` false).
    public func deltaDropConstraint(path: String, name: String, ifExists: Bool = false) async throws -> DeltaConstraintResult {
        let key = try Self.constraintKey(name)
        let lowered = String(key.dropFirst(ConstraintCheck.prefix.count))
        let table = try deltaWriteTable(path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(path)' (no _delta_log). Check the path.")
        }
        let constraints = WriterFeatures.constraints(of: snapshot.metadata)
        guard let expression = snapshot.metadata.configuration[key] else {
            if ifExists {
                return DeltaConstraintResult(version: snapshot.version, operation: "DROP CONSTRAINT", committed: false, name: lowered,
                                             expression: nil, constraints: constraints, minWriterVersion: snapshot.protocol.minWriterVersion)
            }
            let known = constraints.keys.sorted()
            throw SwiftLakeError.notFound("constraint_not_found",
                "The table has no CHECK constraint \(lowered); " + (known.isEmpty ? "it has none." : "its constraints: \(known.joined(separator: ", ")).")
                    + " Pass \"if_exists\": true to ignore a missing constraint.")
        }
        var transaction = try startDeltaTransaction(table, from: snapshot, operation: "DROP CONSTRAINT",
                                                    parameters: ["name": .string(lowered), "expr": .string(expression)])
        var metadata = snapshot.metadata
        metadata.configuration[key] = nil
        do { try transaction.updateMetadata(metadata) } catch let error as DeltaError { throw SwiftLakeError(error) }
        let version = try await commitDelta(transaction, metrics: [:], writer: nil)
        return DeltaConstraintResult(version: version, operation: "DROP CONSTRAINT", committed: true, name: lowered, expression: expression,
                                     constraints: WriterFeatures.constraints(of: metadata), minWriterVersion: snapshot.protocol.minWriterVersion)
    }

    /// `delta.constraints.<name>` with the name lower-cased (as Spark stores it); a name that
    /// is not a plain identifier is a 400.
    static func constraintKey(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard trimmed.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
            throw SwiftLakeError.invalid("invalid_constraint_name",
                "A constraint name is letters, digits and underscores, not starting with a digit (e.g. \"amount_positive\"); got '\(name)'.")
        }
        return ConstraintCheck.prefix + trimmed.lowercased()
    }
}
