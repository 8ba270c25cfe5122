import CDuckDB

extension DuckDBError {
    /// The kind of a ``DuckDBError``.
    ///
    /// A struct over a private enum (as in swift-nio), so new codes can be added without
    /// breaking `switch` statements: compare with `==` or match with `case .catalog:`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connection, open, configuration, prepare, bind, execute, interrupted
            case parser, catalog, binder, conversion, outOfRange, io, permission, invalidInput
            case outOfMemory, constraint, transaction, notImplemented, dependency
            case missingExtension, resourceInUse, dataCorruption, `internal`
            case resultInvalidated, unsupportedType, appender, unknown
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The code's name, e.g. `"catalog"`.
        public var description: String { base.rawValue }

        /// Connecting to a database failed.
        public static var connection: Code { Code(.connection) }
        /// Opening (or creating) a database failed.
        public static var open: Code { Code(.open) }
        /// A configuration option was unknown or had an invalid value.
        public static var configuration: Code { Code(.configuration) }
        /// Preparing a statement failed for a reason DuckDB did not classify.
        public static var prepare: Code { Code(.prepare) }
        /// Binding parameters failed (wrong count, value DuckDB cannot represent, ...).
        public static var bind: Code { Code(.bind) }
        /// Executing a statement failed for a reason DuckDB did not classify.
        public static var execute: Code { Code(.execute) }
        /// The query was interrupted (``Connection/interrupt()`` or ``Connection/withTimeout(_:_:)``).
        public static var interrupted: Code { Code(.interrupted) }
        /// The SQL could not be parsed.
        public static var parser: Code { Code(.parser) }
        /// A table, view, schema, function or type does not exist (or already exists).
        public static var catalog: Code { Code(.catalog) }
        /// The SQL parsed but could not be bound (unknown column, wrong argument types, ...).
        public static var binder: Code { Code(.binder) }
        /// A value could not be converted to the requested type.
        public static var conversion: Code { Code(.conversion) }
        /// A value was out of range for its type (overflow, division by zero, bad decimal).
        public static var outOfRange: Code { Code(.outOfRange) }
        /// Reading or writing a file (or the network) failed, or a file was not what it claimed to be.
        public static var io: Code { Code(.io) }
        /// The operation is not permitted (e.g. external access disabled).
        public static var permission: Code { Code(.permission) }
        /// The input was invalid.
        public static var invalidInput: Code { Code(.invalidInput) }
        /// DuckDB ran out of memory.
        public static var outOfMemory: Code { Code(.outOfMemory) }
        /// A constraint (PRIMARY KEY, UNIQUE, NOT NULL, CHECK, FOREIGN KEY) was violated.
        public static var constraint: Code { Code(.constraint) }
        /// A transaction conflict or an invalid transaction state.
        public static var transaction: Code { Code(.transaction) }
        /// DuckDB does not implement this feature.
        public static var notImplemented: Code { Code(.notImplemented) }
        /// A catalog dependency prevents the operation.
        public static var dependency: Code { Code(.dependency) }
        /// A needed extension is not loaded and could not be auto-loaded.
        public static var missingExtension: Code { Code(.missingExtension) }
        /// The connection is busy with another result.
        public static var resourceInUse: Code { Code(.resourceInUse) }
        /// A database or data file is corrupt.
        public static var dataCorruption: Code { Code(.dataCorruption) }
        /// An internal or fatal DuckDB error (a bug, or a database that must be reopened).
        public static var `internal`: Code { Code(.internal) }
        /// A ``QueryResult`` was read after a newer statement on its connection ended it.
        public static var resultInvalidated: Code { Code(.resultInvalidated) }
        /// A column has a type this module cannot decode into a ``Value``.
        public static var unsupportedType: Code { Code(.unsupportedType) }
        /// An ``Appender`` operation failed.
        public static var appender: Code { Code(.appender) }
        /// Anything else.
        public static var unknown: Code { Code(.unknown) }
    }
}

extension DuckDBError.Code {
    /// Maps DuckDB's error type; `nil` for `DUCKDB_ERROR_INVALID` (no classification).
    init?(_ type: duckdb_error_type) {
        switch type {
        case DUCKDB_ERROR_INVALID: return nil
        case DUCKDB_ERROR_PARSER, DUCKDB_ERROR_SYNTAX: self = .parser
        case DUCKDB_ERROR_CATALOG, DUCKDB_ERROR_UNKNOWN_TYPE: self = .catalog
        case DUCKDB_ERROR_BINDER, DUCKDB_ERROR_PARAMETER_NOT_RESOLVED, DUCKDB_ERROR_PARAMETER_NOT_ALLOWED:
            self = .binder
        case DUCKDB_ERROR_CONVERSION, DUCKDB_ERROR_MISMATCH_TYPE, DUCKDB_ERROR_INVALID_TYPE: self = .conversion
        case DUCKDB_ERROR_OUT_OF_RANGE, DUCKDB_ERROR_DECIMAL, DUCKDB_ERROR_DIVIDE_BY_ZERO: self = .outOfRange
        case DUCKDB_ERROR_IO, DUCKDB_ERROR_NETWORK, DUCKDB_ERROR_HTTP: self = .io
        case DUCKDB_ERROR_INTERRUPT: self = .interrupted
        case DUCKDB_ERROR_PERMISSION: self = .permission
        case DUCKDB_ERROR_INVALID_INPUT: self = .invalidInput
        case DUCKDB_ERROR_OUT_OF_MEMORY: self = .outOfMemory
        case DUCKDB_ERROR_CONSTRAINT: self = .constraint
        case DUCKDB_ERROR_TRANSACTION: self = .transaction
        case DUCKDB_ERROR_NOT_IMPLEMENTED: self = .notImplemented
        case DUCKDB_ERROR_DEPENDENCY: self = .dependency
        case DUCKDB_ERROR_MISSING_EXTENSION, DUCKDB_ERROR_AUTOLOAD: self = .missingExtension
        case DUCKDB_ERROR_RESOURCE_IN_USE: self = .resourceInUse
        case DUCKDB_ERROR_DATA_CORRUPTION: self = .dataCorruption
        case DUCKDB_ERROR_FATAL, DUCKDB_ERROR_INTERNAL: self = .internal
        case DUCKDB_INVALID_CONFIGURATION, DUCKDB_ERROR_SETTINGS: self = .configuration
        case DUCKDB_ERROR_CONNECTION: self = .connection
        default: self = .execute
        }
    }

    /// DuckDB's messages start with `"<Kind> Error: "`; where the C API gives no error type
    /// (prepare and pending errors), that prefix is the classification.
    init?(messagePrefixOf message: String) {
        guard let range = message.range(of: " Error: ") else { return nil }
        let kind = message[..<range.lowerBound]
        switch kind {
        case "Parser", "Syntax": self = .parser
        case "Catalog", "Unknown Type": self = .catalog
        case "Binder", "Parameter Not Resolved", "Parameter Not Allowed": self = .binder
        case "Conversion", "Mismatch Type", "Invalid type": self = .conversion
        case "Out of Range", "Decimal", "Divide by Zero": self = .outOfRange
        case "IO", "HTTP", "Network": self = .io
        case "INTERRUPT": self = .interrupted
        case "Permission": self = .permission
        case "Invalid Input": self = .invalidInput
        case "Out of Memory": self = .outOfMemory
        case "Constraint": self = .constraint
        case "TransactionContext": self = .transaction
        case "Not implemented": self = .notImplemented
        case "Dependency": self = .dependency
        case "Missing Extension", "Extension Autoloading": self = .missingExtension
        case "Resource In Use": self = .resourceInUse
        case "Data Corruption": self = .dataCorruption
        case "FATAL", "INTERNAL": self = .internal
        case "Invalid Configuration", "Settings": self = .configuration
        case "Connection": self = .connection
        default: return nil
        }
    }
}
