/// A MERGE into a Delta table: source rows are joined to the table's rows by `on`, and the
/// clauses say what happens to matched target rows, to source rows without a match, and to
/// target rows no source row matches (Spark's `MERGE INTO … USING … ON …`).
///
/// ```json
/// {"path": "sales", "source": {"rows": [{"id": 1, "qty": 5}]}, "on": "t.id = s.id",
///  "clauses": [{"when": "matched", "action": "update", "set": {"qty": "s.qty"}},
///              {"when": "not_matched", "action": "insert_all"}]}
/// ```
///
/// The issue's shape is accepted too: `when_matched`, `when_not_matched` and
/// `when_not_matched_by_source` arrays of `{"action", "set"/"values" (an object or "all"),
/// "predicate"?}` become `clauses` (each kind in its order; `set: "all"` is `update_all`,
/// `values: "all"` is `insert_all`, `predicate` the condition). Mixing them with `clauses` is a 400.
public struct DeltaMergeRequest: Codable, Sendable {
    /// The target table's directory.
    public var path: String
    /// Where the source rows come from.
    public var source: DeltaMergeSource
    /// How SQL names the source rows (default `s`).
    public var sourceAlias: String?
    /// How SQL names the target rows (default `t`).
    public var targetAlias: String?
    /// The join condition, a SQL expression over both aliases, e.g. `t.id = s.id`.
    public var on: String
    /// The clauses, applied per kind in order: the first whose condition holds wins.
    public var clauses: [DeltaMergeClause]
    /// The engine that joins, rewrites and writes; `auto` when absent.
    public var engine: EngineChoice?

    enum CodingKeys: String, CodingKey {
        case path, source, sourceAlias = "source_alias", targetAlias = "target_alias", on, clauses, engine
    }

    /// Creates a request.
    public init(path: String, source: DeltaMergeSource, sourceAlias: String? = nil, targetAlias: String? = nil,
                on: String, clauses: [DeltaMergeClause], engine: EngineChoice? = nil) {
        self.path = path
        self.source = source
        self.sourceAlias = sourceAlias
        self.targetAlias = targetAlias
        self.on = on
        self.clauses = clauses
        self.engine = engine
    }
}

/// The source of a MERGE: exactly one of `rows`, `source_paths` or `delta`, optionally
/// reshaped by `sql` (a `SELECT … FROM t` where `t` is that data).
public struct DeltaMergeSource: Codable, Sendable {
    /// JSON objects, column → value.
    public var rows: [[String: DeltaRowValue]]?
    /// Parquet files, directories or globs inside the data roots.
    public var sourcePaths: [String]?
    /// Another Delta table (any version).
    public var delta: DeltaMergeTableSource?
    /// A `SELECT … FROM t` over the data, whose result is the source.
    public var sql: String?

    enum CodingKeys: String, CodingKey {
        case rows, sourcePaths = "source_paths", delta, sql
    }

    /// Creates a source.
    public init(rows: [[String: DeltaRowValue]]? = nil, sourcePaths: [String]? = nil, delta: DeltaMergeTableSource? = nil,
                sql: String? = nil) {
        self.rows = rows
        self.sourcePaths = sourcePaths
        self.delta = delta
        self.sql = sql
    }
}

/// A Delta table read as a MERGE source.
public struct DeltaMergeTableSource: Codable, Sendable {
    /// The table's directory.
    public var path: String
    /// The version to read (the latest when absent).
    public var version: Int64?

    /// Creates a table source.
    public init(path: String, version: Int64? = nil) {
        self.path = path
        self.version = version
    }
}

/// One `WHEN … THEN …` clause of a MERGE.
public struct DeltaMergeClause: Codable, Sendable, Hashable {
    /// Which rows the clause is for.
    public enum When: String, Codable, Sendable {
        /// Target rows some source row matches.
        case matched
        /// Source rows no target row matches.
        case notMatched = "not_matched"
        /// Target rows no source row matches.
        case notMatchedBySource = "not_matched_by_source"
    }

    /// What the clause does.
    public enum Action: String, Codable, Sendable {
        /// Set the columns of `set` (matched, not_matched_by_source).
        case update
        /// Set every target column the source has to the source's value (matched).
        case updateAll = "update_all"
        /// Delete the target row (matched, not_matched_by_source).
        case delete
        /// Insert a row with the columns of `values`, the others NULL (not_matched).
        case insert
        /// Insert the source row: every target column from the source column of that name,
        /// NULL where the source has none (not_matched).
        case insertAll = "insert_all"
    }

    /// Which rows the clause is for.
    public var when: When
    /// A SQL condition over the aliases; the clause applies only where it holds.
    public var condition: String?
    /// What the clause does.
    public var action: Action
    /// For `update`: target column → SQL expression over both aliases.
    public var set: [String: String]?
    /// For `insert`: target column → SQL expression over the source alias.
    public var values: [String: String]?

    /// Creates a clause.
    public init(when: When, condition: String? = nil, action: Action, set: [String: String]? = nil, values: [String: String]? = nil) {
        self.when = when
        self.condition = condition
        self.action = action
        self.set = set
        self.values = values
    }
}

/// What a MERGE did: the version committed and Spark's metrics.
public struct DeltaMergeResult: Codable, Sendable, Hashable {
    /// The table's version after the merge (the version read when nothing was committed).
    public var version: Int64
    /// Always `MERGE`.
    public var operation: String = "MERGE"
    /// Whether a commit was written (false when the merge changed nothing).
    public var committed: Bool
    /// Spark's merge metrics: `numSourceRows`, `numTargetRowsInserted`, `numTargetRowsUpdated`,
    /// `numTargetRowsDeleted`, `numTargetRowsCopied`, `numOutputRows`, `numTargetFilesAdded`,
    /// `numTargetFilesRemoved`, `numTargetRowsMatchedUpdated`, … (also in the commit).
    public var metrics: [String: Int64]
    /// Target files read (after skipping files the source's keys rule out).
    public var filesScanned: Int
    /// Target files not read.
    public var filesSkipped: Int
    /// Time taken, in milliseconds.
    public var elapsedMs: Double = 0
    /// The engine that joined and wrote: `duckdb` or `spark`.
    public var engine: String = DuckDBEngine.name

    enum CodingKeys: String, CodingKey {
        case version, operation, committed, metrics, filesScanned = "files_scanned", filesSkipped = "files_skipped"
        case elapsedMs = "elapsed_ms", engine
    }

    /// A metric by Spark's name (0 when absent).
    public subscript(metric name: String) -> Int64 { metrics[name] ?? 0 }
}

extension DeltaMergeRequest {
    private enum AliasKeys: String, CodingKey {
        case whenMatched = "when_matched", whenNotMatched = "when_not_matched"
        case whenNotMatchedBySource = "when_not_matched_by_source"
    }

    /// `set`/`values` of the issue's clauses: column → expression, or `"all"`.
    private enum Assignments: Decodable {
        case all
        case columns([String: String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                guard text == "all" else {
                    throw SwiftLakeError.invalid("invalid_clause", "'set'/'values' is an object (column → SQL expression) or \"all\", not \"\(text)\".")
                }
                self = .all
            } else {
                self = .columns(try container.decode([String: String].self))
            }
        }
    }

    /// One clause of a `when_*` array.
    private struct AliasClause: Decodable {
        var action: String
        var set: Assignments?
        var values: Assignments?
        var predicate: String?
        var condition: String?

        func clause(_ when: DeltaMergeClause.When, field: String) throws -> DeltaMergeClause {
            if let predicate, let condition, predicate != condition {
                throw SwiftLakeError.invalid("conflicting_fields", "A clause of '\(field)' gives both 'predicate' and 'condition'; give one.")
            }
            guard var action = DeltaMergeClause.Action(rawValue: self.action) else {
                throw SwiftLakeError.invalid("invalid_clause",
                    "'\(field)' has an unknown action '\(self.action)'; use update or delete (when_matched), insert (when_not_matched), update or delete (when_not_matched_by_source).")
            }
            var set: [String: String]?, values: [String: String]?
            switch self.set {
            case .all?: if action == .update { action = .updateAll }
            case .columns(let columns)?: set = columns
            case nil: break
            }
            switch self.values {
            case .all?: if action == .insert { action = .insertAll }
            case .columns(let columns)?: values = columns
            case nil: break
            }
            return DeltaMergeClause(when: when, condition: predicate ?? condition, action: action, set: set, values: values)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let aliases = try decoder.container(keyedBy: AliasKeys.self)
        path = try container.decode(String.self, forKey: .path)
        source = try container.decode(DeltaMergeSource.self, forKey: .source)
        sourceAlias = try container.decodeIfPresent(String.self, forKey: .sourceAlias)
        targetAlias = try container.decodeIfPresent(String.self, forKey: .targetAlias)
        on = try container.decode(String.self, forKey: .on)
        engine = try container.decodeIfPresent(EngineChoice.self, forKey: .engine)
        let kinds: [(AliasKeys, DeltaMergeClause.When)] = [
            (.whenMatched, .matched), (.whenNotMatched, .notMatched), (.whenNotMatchedBySource, .notMatchedBySource),
        ]
        var mapped: [DeltaMergeClause] = [], given: [String] = []
        for (key, when) in kinds {
            guard let list = try aliases.decodeIfPresent([AliasClause].self, forKey: key) else { continue }
            given.append(key.stringValue)
            for item in list { mapped.append(try item.clause(when, field: key.stringValue)) }
        }
        if given.isEmpty {
            clauses = try container.decode([DeltaMergeClause].self, forKey: .clauses)
        } else if container.contains(.clauses) {
            throw SwiftLakeError.invalid("conflicting_fields",
                "Give the merge's clauses either in 'clauses' or in \(given.map { "'\($0)'" }.joined(separator: ", ")), not both.")
        } else {
            clauses = mapped
        }
    }
}

extension DeltaMergeSource {
    private enum AliasKeys: String, CodingKey { case parquet }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let aliases = try decoder.container(keyedBy: AliasKeys.self)
        rows = try container.decodeIfPresent([[String: DeltaRowValue]].self, forKey: .rows)
        sourcePaths = try container.decodeIfPresent([String].self, forKey: .sourcePaths)
        delta = try container.decodeIfPresent(DeltaMergeTableSource.self, forKey: .delta)
        sql = try container.decodeIfPresent(String.self, forKey: .sql)
        if let parquet = try aliases.decodeIfPresent([String].self, forKey: .parquet) {
            if sourcePaths != nil {
                throw SwiftLakeError.invalid("conflicting_fields", "Give either 'source.parquet' or 'source.source_paths', not both.")
            }
            sourcePaths = parquet
        }
    }
}

extension DeltaMergeTableSource {
    private enum Keys: String, CodingKey { case path, version }

    /// Decodes `{"path", "version"?}` or just the path as a string (the latest version).
    public init(from decoder: any Decoder) throws {
        if let path = try? decoder.singleValueContainer().decode(String.self) {
            self.init(path: path)
            return
        }
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(path: try container.decode(String.self, forKey: .path),
                  version: try container.decodeIfPresent(Int64.self, forKey: .version))
    }
}
