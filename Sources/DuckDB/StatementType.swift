import CDuckDB

/// The kind of a prepared statement, from `duckdb_prepared_statement_type`.
public enum StatementType: Sendable, Hashable {
    case select, insert, update, explain, delete, prepare, create, execute, alter, transaction, copy, analyze
    case variableSet, createFunction, drop, export, pragma, vacuum, call, set, load, relation, `extension`
    case logicalPlan, attach, detach, multi, invalid
    /// A statement type this enum has no case for, by DuckDB's number (see the static members below).
    case unknown(Int)

    /// `COPY FROM DATABASE ... TO ...`
    public static let copyDatabase = StatementType.unknown(Int(DUCKDB_STATEMENT_TYPE_COPY_DATABASE.rawValue))
    /// `UPDATE EXTENSIONS`
    public static let updateExtensions = StatementType.unknown(Int(DUCKDB_STATEMENT_TYPE_UPDATE_EXTENSIONS.rawValue))
    /// `MERGE INTO`
    public static let mergeInto = StatementType.unknown(Int(DUCKDB_STATEMENT_TYPE_MERGE_INTO.rawValue))

    init(_ type: duckdb_statement_type) {
        switch type {
        case DUCKDB_STATEMENT_TYPE_SELECT: self = .select
        case DUCKDB_STATEMENT_TYPE_INSERT: self = .insert
        case DUCKDB_STATEMENT_TYPE_UPDATE: self = .update
        case DUCKDB_STATEMENT_TYPE_EXPLAIN: self = .explain
        case DUCKDB_STATEMENT_TYPE_DELETE: self = .delete
        case DUCKDB_STATEMENT_TYPE_PREPARE: self = .prepare
        case DUCKDB_STATEMENT_TYPE_CREATE: self = .create
        case DUCKDB_STATEMENT_TYPE_EXECUTE: self = .execute
        case DUCKDB_STATEMENT_TYPE_ALTER: self = .alter
        case DUCKDB_STATEMENT_TYPE_TRANSACTION: self = .transaction
        case DUCKDB_STATEMENT_TYPE_COPY: self = .copy
        case DUCKDB_STATEMENT_TYPE_ANALYZE: self = .analyze
        case DUCKDB_STATEMENT_TYPE_VARIABLE_SET: self = .variableSet
        case DUCKDB_STATEMENT_TYPE_CREATE_FUNC: self = .createFunction
        case DUCKDB_STATEMENT_TYPE_DROP: self = .drop
        case DUCKDB_STATEMENT_TYPE_EXPORT: self = .export
        case DUCKDB_STATEMENT_TYPE_PRAGMA: self = .pragma
        case DUCKDB_STATEMENT_TYPE_VACUUM: self = .vacuum
        case DUCKDB_STATEMENT_TYPE_CALL: self = .call
        case DUCKDB_STATEMENT_TYPE_SET: self = .set
        case DUCKDB_STATEMENT_TYPE_LOAD: self = .load
        case DUCKDB_STATEMENT_TYPE_RELATION: self = .relation
        case DUCKDB_STATEMENT_TYPE_EXTENSION: self = .extension
        case DUCKDB_STATEMENT_TYPE_LOGICAL_PLAN: self = .logicalPlan
        case DUCKDB_STATEMENT_TYPE_ATTACH: self = .attach
        case DUCKDB_STATEMENT_TYPE_DETACH: self = .detach
        case DUCKDB_STATEMENT_TYPE_MULTI: self = .multi
        case DUCKDB_STATEMENT_TYPE_INVALID: self = .invalid
        default: self = .unknown(Int(type.rawValue))
        }
    }
}
