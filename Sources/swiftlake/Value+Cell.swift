import DuckDB
import SwiftLake

extension Value {
    /// The value as a table cell: DuckDB's text form (`NULL` for NULL), numbers aligned right.
    var tableCell: TextTable.Cell {
        TextTable.Cell(description, alignment: isNumber ? .right : .left)
    }

    /// Whether the value is a number of any width.
    var isNumber: Bool {
        switch self {
        case .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint, .uinteger, .ubigint, .uhugeint,
             .float, .double, .decimal:
            return true
        default:
            return false
        }
    }
}

extension ResultColumn {
    /// The heading of this column in a table: name, type, and right alignment for numbers.
    var tableColumn: TextTable.Column {
        TextTable.Column(name, type: type, alignment: ResultColumn.isNumericType(type) ? .right : .left)
    }

    /// Whether a DuckDB type spelling (`BIGINT`, `DECIMAL(10,2)`) is numeric.
    static func isNumericType(_ type: String) -> Bool {
        let base = type.uppercased().prefix { $0.isLetter }
        return ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL", "INT"].contains(String(base))
            && !type.hasSuffix("]")
    }
}
