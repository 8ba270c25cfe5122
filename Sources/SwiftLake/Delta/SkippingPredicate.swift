import DeltaLake

/// The part of a query's `WHERE` clause that file skipping understands: comparisons of a
/// column with a constant, `IN` lists, `IS [NOT] NULL`, `BETWEEN`, joined by `AND`/`OR`.
/// Anything else is ``unknown``, which never lets a file be skipped.
///
/// Built from DuckDB's own parse tree (`json_serialize_sql`), so SwiftLake needs no SQL parser.
indirect enum SkippingPredicate: Sendable, Equatable {
    /// A comparison operator, with the column on the left.
    enum Operator: String, Sendable { case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual }

    case and([SkippingPredicate])
    case or([SkippingPredicate])
    case compare(column: String, Operator, SkippingLiteral)
    case inList(column: String, [SkippingLiteral])
    case isNull(column: String)
    case isNotNull(column: String)
    case unknown

    /// The predicate of the `WHERE` clause in a `json_serialize_sql` document, when the
    /// statement is a single plain `SELECT … FROM t WHERE …` (no joins, CTEs or set operations).
    static func fromSerializedSQL(_ text: String) -> SkippingPredicate {
        guard let document = try? DeltaLake.JSONValue.parse(text),
              document["error"]?.boolValue != true,
              let statements = document["statements"]?.arrayValue, statements.count == 1,
              let node = statements[0]["node"], node["type"]?.stringValue == "SELECT_NODE",
              let from = node["from_table"], from["type"]?.stringValue == "BASE_TABLE",
              from["table_name"]?.stringValue?.lowercased() == "t",
              (node["cte_map"]?["map"]?.arrayValue ?? []).isEmpty,
              let clause = node["where_clause"], !clause.isNull
        else { return .unknown }
        return parse(clause)
    }

    /// Converts one expression node.
    static func parse(_ node: DeltaLake.JSONValue) -> SkippingPredicate {
        guard let type = node["type"]?.stringValue else { return .unknown }
        switch type {
        case "CONJUNCTION_AND", "CONJUNCTION_OR":
            let children = (node["children"]?.arrayValue ?? []).map(parse)
            guard !children.isEmpty else { return .unknown }
            return type == "CONJUNCTION_AND" ? .and(children) : .or(children)
        case "COMPARE_EQUAL", "COMPARE_NOTEQUAL", "COMPARE_LESSTHAN", "COMPARE_LESSTHANOREQUALTO",
             "COMPARE_GREATERTHAN", "COMPARE_GREATERTHANOREQUALTO":
            guard let left = node["left"], let right = node["right"], let op = comparison(type) else { return .unknown }
            if let column = columnName(left), let literal = SkippingLiteral(node: right) {
                return .compare(column: column, op, literal)
            }
            if let column = columnName(right), let literal = SkippingLiteral(node: left) {
                return .compare(column: column, flipped(op), literal)
            }
            return .unknown
        case "COMPARE_IN":
            guard let children = node["children"]?.arrayValue, children.count >= 2,
                  let column = columnName(children[0]) else { return .unknown }
            var literals: [SkippingLiteral] = []
            for child in children.dropFirst() {
                guard let literal = SkippingLiteral(node: child) else { return .unknown }
                literals.append(literal)
            }
            return .inList(column: column, literals)
        case "COMPARE_BETWEEN":
            guard let input = node["input"], let column = columnName(input),
                  let lower = node["lower"].flatMap(SkippingLiteral.init(node:)),
                  let upper = node["upper"].flatMap(SkippingLiteral.init(node:)) else { return .unknown }
            return .and([.compare(column: column, .greaterOrEqual, lower), .compare(column: column, .lessOrEqual, upper)])
        case "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL":
            guard let child = node["children"]?.arrayValue?.first, let column = columnName(child) else { return .unknown }
            return type == "OPERATOR_IS_NULL" ? .isNull(column: column) : .isNotNull(column: column)
        default:
            return .unknown
        }
    }

    private static func columnName(_ node: DeltaLake.JSONValue) -> String? {
        guard node["class"]?.stringValue == "COLUMN_REF", let names = node["column_names"]?.arrayValue else { return nil }
        if names.count == 2, names[0].stringValue?.lowercased() != "t" { return nil }
        guard names.count <= 2 else { return nil }
        return names.last?.stringValue
    }

    private static func comparison(_ type: String) -> Operator? {
        switch type {
        case "COMPARE_EQUAL": return .equal
        case "COMPARE_NOTEQUAL": return .notEqual
        case "COMPARE_LESSTHAN": return .less
        case "COMPARE_LESSTHANOREQUALTO": return .lessOrEqual
        case "COMPARE_GREATERTHAN": return .greater
        case "COMPARE_GREATERTHANOREQUALTO": return .greaterOrEqual
        default: return nil
        }
    }

    private static func flipped(_ op: Operator) -> Operator {
        switch op {
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        default: return op
        }
    }
}

/// A constant in a skipping predicate or a statistic: a number, a string, or a date (`YYYY-MM-DD`).
enum SkippingLiteral: Sendable, Equatable {
    case number(Double)
    case string(String)
    case date(String)

    /// A literal from a `VALUE_CONSTANT` node (or a `CAST('…' AS DATE)` of one).
    init?(node: DeltaLake.JSONValue) {
        switch node["type"]?.stringValue {
        case "VALUE_CONSTANT":
            guard let kind = node["literal"]?["kind"]?.stringValue, let text = node["literal"]?["text"]?.stringValue else { return nil }
            switch kind {
            case "INTEGER", "NUMERIC":
                guard let number = Double(text), number.isFinite else { return nil }
                self = .number(number)
            case "STRING": self = .string(text)
            default: return nil
            }
        case "OPERATOR_CAST":
            guard node["try_cast"]?.boolValue != true,
                  node["type_expr"]?["type_name"]?.stringValue?.uppercased() == "DATE",
                  let child = node["child"], case .string(let text)? = SkippingLiteral(node: child),
                  SkippingLiteral.isDate(text) else { return nil }
            self = .date(text)
        default:
            return nil
        }
    }

    /// Whether `text` is a plain `YYYY-MM-DD` date (which orders correctly as text).
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45 else { return false }
        return bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }
    }
}
