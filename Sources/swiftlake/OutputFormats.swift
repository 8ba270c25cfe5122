import ArgumentParser
import SwiftLake

/// How `swiftlake query` prints rows.
///
/// `table` is the default for every destination: the CLI is first of all a tool for people,
/// and scripts name the format they parse (`--format json|ndjson|csv`) so they never depend
/// on whether stdout happens to be a terminal.
enum RowFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// A box table with column names and types, for people.
    case table
    /// The REST API's JSON document: `{"columns", "rows", "row_count", "truncated", …}`.
    case json
    /// One JSON object per row.
    case ndjson
    /// RFC 4180 CSV with a header line.
    case csv

    /// The core format whose encoder streams this output, if it is not `table`.
    var streamed: OutputFormat? {
        switch self {
        case .table: nil
        case .json: .json
        case .ndjson: .ndjson
        case .csv: .csv
        }
    }
}

/// How commands that report on something (metadata, stats, modify, merge) print it.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Tables for people.
    case table
    /// The same JSON document the REST API returns, pretty-printed.
    case json
}
