/// A result format for query output.
public enum OutputFormat: String, Codable, Sendable, CaseIterable {
    /// `{"columns": …, "rows": [[…]], "row_count", "truncated", "engine", "elapsed_ms"}`.
    case json
    /// One JSON object per row, newline-delimited.
    case ndjson
    /// RFC 4180 CSV with a header line.
    case csv
    /// Apache Arrow IPC stream.
    case arrow
    /// A Parquet file.
    case parquet

    /// The HTTP media type.
    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .ndjson: "application/x-ndjson"
        case .csv: "text/csv; charset=utf-8"
        case .arrow: "application/vnd.apache.arrow.stream"
        case .parquet: "application/vnd.apache.parquet"
        }
    }

    /// The format an HTTP `Accept` header asks for, if it names one.
    public init?(acceptHeader: String) {
        let types = acceptHeader.lowercased().split(separator: ",").map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) }
        for type in types {
            switch type {
            case "application/json": self = .json; return
            case "application/x-ndjson", "application/ndjson", "application/jsonl": self = .ndjson; return
            case "text/csv": self = .csv; return
            case "application/vnd.apache.arrow.stream", "application/vnd.apache.arrow": self = .arrow; return
            case "application/vnd.apache.parquet", "application/parquet", "application/x-parquet": self = .parquet; return
            default: continue
            }
        }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let format = OutputFormat(rawValue: raw.lowercased()) else {
            throw SwiftLakeError.invalid("unknown_format", "Unknown format '\(raw)'. Use one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        self = format
    }
}

/// Which engine runs an operation.
public enum EngineChoice: String, Codable, Sendable, CaseIterable {
    /// DuckDB below the size threshold, Spark above it when Spark is configured.
    case auto
    /// The embedded DuckDB engine.
    case duckdb
    /// Apache Spark through Spark Connect.
    case spark

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let choice = EngineChoice(rawValue: raw.lowercased()) else {
            throw SwiftLakeError.invalid("unknown_engine", "Unknown engine '\(raw)'. Use one of: auto, duckdb, spark.")
        }
        self = choice
    }
}

import Foundation
