import Foundation
import DuckDB

extension SwiftLakeError {
    /// Translates a DuckDB error into the error users see: the class of failure decides the
    /// HTTP status, DuckDB's own message says what was wrong, and a hint says how to fix it.
    init(_ error: DuckDBError, timeout: Duration? = nil) {
        let message = Self.condensed(error.message)
        let lowered = message.lowercased()
        switch error.code {
        case .interrupted:
            if let timeout {
                self.init(.timeout, code: "query_timeout",
                          "The query was stopped after the time limit of \(timeout.formattedSeconds). Narrow it (filter, fewer columns, a LIMIT) or raise the limit (--query-timeout).")
            } else {
                self.init(.timeout, code: "query_interrupted", "The query was interrupted.")
            }
        case .permission:
            self.init(.forbidden, code: "sandbox_denied",
                      "\(message). SwiftLake only reads and writes files inside its data roots; name files through 'paths' and query them as table t.")
        case .outOfMemory:
            self.init(.unavailable, code: "out_of_memory", "\(message). Add a filter or LIMIT, or raise --memory-limit.")
        case .parser:
            self.init(.invalidRequest, code: "sql_syntax_error", "\(message). Check the SQL syntax.")
        case .binder, .catalog, .conversion, .invalidInput, .constraint:
            if lowered.contains("no magic bytes") || lowered.contains("not a parquet file") || lowered.contains("corrupt")
                || lowered.contains("invalid parquet") || lowered.contains("too small to be a parquet file") {
                self.init(.unprocessable, code: "corrupt_parquet",
                          "\(message). The file is not valid Parquet; check that it was written completely.")
            } else {
                self.init(.invalidRequest, code: "sql_error", message)
            }
        case .io:
            if lowered.contains("no files found") || lowered.contains("no such file") {
                self.init(.notFound, code: "file_not_found", message)
            } else if lowered.contains("magic bytes") || lowered.contains("parquet") {
                self.init(.unprocessable, code: "corrupt_parquet",
                          "\(message). The file is not valid Parquet; check that it was written completely.")
            } else {
                self.init(.unprocessable, code: "io_error", message)
            }
        default:
            if lowered.contains("magic bytes") || lowered.contains("not a parquet file") {
                self.init(.unprocessable, code: "corrupt_parquet",
                          "\(message). The file is not valid Parquet; check that it was written completely.")
            } else {
                self.init(.invalidRequest, code: "engine_error", message)
            }
        }
    }
}

extension SwiftLakeError {
    /// DuckDB's message without its list of candidate function signatures (dozens of lines
    /// that bury the point); the first line and the `LINE n:` pointer are kept.
    static func condensed(_ message: String) -> String {
        guard let candidates = message.range(of: "\n\tCandidate functions:") ?? message.range(of: "\nCandidate functions:") else {
            return message.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let head = message[..<candidates.lowerBound]
        let tail = message[candidates.upperBound...].range(of: "\nLINE ").map { message[$0.lowerBound...] } ?? ""
        return (head + "\n" + tail).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension DuckDBError {
    /// The same error without DuckDB's `LINE n: …` excerpt of the SQL, for statements that
    /// SwiftLake wrote (the excerpt would show internals, not the user's text).
    var withoutSQLPointer: DuckDBError {
        var copy = self
        if let range = copy.message.range(of: "\n\nLINE ") ?? copy.message.range(of: "\nLINE ") {
            copy.message = String(copy.message[..<range.lowerBound])
        }
        return copy
    }
}

extension Duration {
    /// `"300 s"`, `"1.5 s"`.
    var formattedSeconds: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return "\(seconds) s" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }

    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
