import Foundation
import TestProcess

/// delta-rs's answer for one table version, as `delta_rows_oracle.py` computes it.
public struct OracleRows: Sendable {
    /// The columns delta-rs reads.
    public var columns: [String]
    /// The rows as text, for tables of at most 2,000 rows (empty otherwise).
    public var rows: [[String?]]
    /// Row count and an order-independent digest (``digestSQL``), as text.
    public var count: String
    public var digest: String
}

/// The same row digest on both sides: count, and the sum of the hashes of each row's values
/// as text (columns in name order). `{columns}` and `{table}` are filled in.
public let digestSQL = "SELECT CAST(count(*) AS VARCHAR), CAST(coalesce(sum(CAST(hash(concat_ws('|', {columns})) AS HUGEINT)), 0) AS VARCHAR) FROM {table}"

/// The digest's column list for `columns`.
public func digestColumns(_ columns: [String]) -> String {
    columns.sorted().map { "coalesce(CAST(\(quotedIdentifier($0)) AS VARCHAR), '<null>')" }.joined(separator: ", ")
}

/// ``digestSQL`` over `table` for `columns`.
public func digestQuery(columns: [String], table: String) -> String {
    digestSQL.replacingOccurrences(of: "{columns}", with: digestColumns(columns)).replacingOccurrences(of: "{table}", with: table)
}

func quotedIdentifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

/// delta-rs's rows for every table of `corpus` (a directory of Delta tables) at every version
/// that has data files, from ONE python process (`delta_rows_oracle.py`, needing
/// `deltalake==1.6.6` and `duckdb`): `[table: [version: OracleRows]]`, or why it is unavailable.
///
/// The python process takes seconds; it is awaited, never blocked on
/// (``runProcess(_:executable:environment:input:directory:)``).
public func loadDeltaRowsOracle(corpus: String) async -> (json: [String: [Int64: OracleRows]]?, problem: String?) {
    let script = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("delta_rows_oracle.py").path
    let python = ProcessInfo.processInfo.environment["SWIFTLAKE_PYTHON"] ?? "python3"
    let answerFile = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-delta-oracle-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: answerFile) }
    // At the lowest priority: the suite runs in parallel, and other tests need the CPU more.
    let run = await runProcess(["nice", "-n", "19", python, script, corpus, digestSQL, answerFile])
    guard run.status == 0 else {
        return (nil, "python3 with deltalake==1.6.6 and duckdb is needed (scripts/setup-python.sh): " + run.stderrText.suffix(400))
    }
    guard let answer = FileManager.default.contents(atPath: answerFile),
          let json = try? JSONSerialization.jsonObject(with: answer) as? [String: [String: [String: Any]]] else {
        return (nil, "the delta-rs oracle wrote no JSON to \(answerFile)")
    }
    var answers: [String: [Int64: OracleRows]] = [:]
    for (table, versions) in json {
        for (version, answer) in versions {
            let columns = answer["columns"] as? [String] ?? []
            let rows = (answer["rows"] as? [[Any]] ?? []).map { $0.map { $0 as? String } }
            answers[table, default: [:]][Int64(version)!] = OracleRows(columns: columns, rows: rows,
                count: answer["count"] as? String ?? "", digest: answer["digest"] as? String ?? "")
        }
    }
    return (answers, nil)
}

/// The shared corpus's Delta tables: `$SWIFTLAKE_CORPUS/delta-rs-tables`, else
/// `../shared/corpus/delta-rs-tables` next to the repository (found through this file's real
/// path, so mirror packages of symlinks work too).
public let corpusDeltaTables: String = {
    if let env = ProcessInfo.processInfo.environment["SWIFTLAKE_CORPUS"] { return env + "/delta-rs-tables" }
    let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus/delta-rs-tables").path
}()
