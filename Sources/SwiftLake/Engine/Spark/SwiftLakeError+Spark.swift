import Foundation
import SparkConnect

extension SwiftLakeError {
    /// Translates a Spark Connect failure into the error users see. A server that cannot be
    /// reached is 503 (the request can be retried, or sent to DuckDB); a query Spark rejects
    /// is 400 with Spark's error class and message; an interrupted query is a timeout.
    init(spark error: any Error, remote: String, timeout: Duration? = nil) {
        guard let error = error as? SparkConnectError else {
            if let error = error as? SwiftLakeError { self = error; return }
            self.init(.internal, code: "spark_error", "The Spark engine failed: \(error)")
            return
        }
        if error.isUnavailable {
            self.init(.unavailable, code: "spark_unavailable",
                      "The Spark Connect server at \(remote) is not reachable (\(error)). Start it (make spark-up), check --spark, or send the request with \"engine\": \"duckdb\". Nothing was changed.")
            return
        }
        guard let server = error.serverError else {
            self.init(.internal, code: "spark_error", "The Spark engine answered something SwiftLake cannot read: \(error)")
            return
        }
        if server.isInterrupted {
            if let timeout {
                self.init(.timeout, code: "query_timeout",
                          "The query was stopped after the time limit of \(timeout.formattedSeconds). Narrow it (filter, fewer columns, a LIMIT) or raise the limit (--query-timeout).")
            } else {
                self.init(.timeout, code: "query_interrupted", "The query was interrupted.")
            }
            return
        }
        let message = Self.firstLine(server.message)
        // Spark's message usually starts with its error class already.
        let label = server.errorClass.map { message.hasPrefix("[\($0)]") ? "" : "[\($0)] " } ?? ""
        let state = server.sqlState ?? ""
        if server.errorClass == "PATH_NOT_FOUND" || message.contains("PATH_NOT_FOUND") {
            self.init(.notFound, code: "file_not_found", "\(label)\(message)")
        } else if state.hasPrefix("42") || state.hasPrefix("22") || state.hasPrefix("21") || state.hasPrefix("23") || state.hasPrefix("0A") {
            let code = server.errorClass?.hasPrefix("PARSE_SYNTAX") == true ? "sql_syntax_error" : "sql_error"
            self.init(.invalidRequest, code: code, "\(label)\(message) (Spark SQL; SQLSTATE \(state)).")
        } else {
            self.init(.unprocessable, code: "spark_error", "Spark failed: \(label)\(message)")
        }
    }

    /// Spark's message without what follows its first line (the analyzed plan or a stack
    /// trace, which name internal relations and say nothing to the user).
    private static func firstLine(_ message: String) -> String {
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let end = trimmed.firstIndex(of: "\n") else { return trimmed }
        return String(trimmed[..<end]).trimmingCharacters(in: CharacterSet(charactersIn: "; "))
    }
}
