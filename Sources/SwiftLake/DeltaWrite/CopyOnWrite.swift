import DeltaLake
import DuckDB
import Foundation

/// Copy-on-write of a predicate's rows, shared by delete and update: the candidate files
/// (those file skipping cannot rule out) are read through a ``DeltaTargetScan``, their rows
/// matching the predicate counted per file, and only files with matches are touched.
struct CopyOnWrite: @unchecked Sendable {
    /// A file with rows matching the predicate.
    struct Touched {
        var add: AddFile
        var total: Int64
        var matched: Int64
    }

    let scan: DeltaTargetScan
    let predicate: String

    /// The SQL that is true for matching rows.
    var matches: String { "coalesce((\(predicate)), false)" }

    /// The files with matching rows, with their counts.
    func touched(on connection: Connection) throws -> [Touched] {
        let counts = try Lakehouse.matchCounts(scan, predicate: predicate, on: connection)
        return scan.files.compactMap { file in
            guard let c = counts[file.path], c.matched > 0 else { return nil }
            return Touched(add: file.add, total: c.total, matched: c.matched)
        }
    }

    /// A relation (parenthesised subquery) of the rows of `files` (absolute paths), with
    /// the table's columns given by `select` (default: as they are) and filtered by `filter`.
    func rows(of files: [String], select: String? = nil, filter: String? = nil) -> String {
        let file = SQL.identifier(DeltaTargetScan.fileColumn)
        let columns = select ?? "* EXCLUDE (\(scan.extraColumns.map(SQL.identifier).joined(separator: ", ")))"
        let inFiles = "\(file) IN (SELECT unnest(\(SQL.list(files))))"
        return "(SELECT \(columns) FROM \(scan.view) WHERE \(inFiles)\(filter.map { " AND (\($0))" } ?? ""))"
    }
}
