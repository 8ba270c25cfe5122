import DeltaLake

/// The part of a query's `WHERE` clause that file skipping understands: comparisons of a
/// column (or a field of a struct column, `s.a`) with a constant, `IN` lists, `IS [NOT] NULL`,
/// `BETWEEN`, a boolean column on its own, joined by `AND`/`OR`. `NOT` is pushed down to the
/// comparisons (De Morgan) while parsing, so it never appears here. Anything else is
/// ``unknown``, which never lets a file be skipped.
///
/// Built from DuckDB's own parse tree (`json_serialize_sql`), so SwiftLake needs no SQL parser.
indirect enum SkippingPredicate: Sendable, Equatable {
    /// A comparison operator, with the column on the left.
    enum Operator: String, Sendable { case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual }

    case and([SkippingPredicate])
    case or([SkippingPredicate])
    case compare(column: ColumnPath, Operator, SkippingLiteral)
    case inList(column: ColumnPath, [SkippingLiteral])
    case isNull(column: ColumnPath)
    case isNotNull(column: ColumnPath)
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
              (from["schema_name"]?.stringValue ?? "").isEmpty,
              (node["cte_map"]?["map"]?.arrayValue ?? []).isEmpty,
              let clause = node["where_clause"], !clause.isNull
        else { return .unknown }
        let alias = from["alias"]?.stringValue ?? ""
        return Parser(tableName: alias.isEmpty ? "t" : alias).parse(clause)
    }

    /// Converts one expression node of a query over table `t` (not aliased).
    static func parse(_ node: DeltaLake.JSONValue) -> SkippingPredicate {
        Parser(tableName: "t").parse(node)
    }

    /// The predicate that holds exactly when this one is false (not merely not true):
    /// `NOT (a < 1)` is `a >= 1`, which like the original is never true for a NULL `a`.
    var negated: SkippingPredicate {
        switch self {
        case .and(let parts): return .or(parts.map(\.negated))
        case .or(let parts): return .and(parts.map(\.negated))
        case .compare(let column, let op, let literal): return .compare(column: column, op.negated, literal)
        case .inList(let column, let literals): return .and(literals.map { .compare(column: column, .notEqual, $0) })
        case .isNull(let column): return .isNotNull(column: column)
        case .isNotNull(let column): return .isNull(column: column)
        case .unknown: return .unknown
        }
    }

    /// Reads DuckDB expression nodes; `tableName` is how the query names table `t`.
    private struct Parser {
        let tableName: String

        func parse(_ node: DeltaLake.JSONValue) -> SkippingPredicate {
            guard let type = node["type"]?.stringValue else { return .unknown }
            switch type {
            case "CONJUNCTION_AND", "CONJUNCTION_OR":
                let children = (node["children"]?.arrayValue ?? []).map(parse)
                guard !children.isEmpty else { return .unknown }
                return type == "CONJUNCTION_AND" ? .and(children) : .or(children)
            case "OPERATOR_NOT":
                guard let children = node["children"]?.arrayValue, children.count == 1 else { return .unknown }
                return parse(children[0]).negated
            case "COLUMN_REF":
                // A boolean column on its own: `WHERE flag` holds when flag is true.
                guard let column = columnPath(node) else { return .unknown }
                return .compare(column: column, .equal, .boolean(true))
            case "COMPARE_EQUAL", "COMPARE_NOTEQUAL", "COMPARE_LESSTHAN", "COMPARE_LESSTHANOREQUALTO",
                 "COMPARE_GREATERTHAN", "COMPARE_GREATERTHANOREQUALTO":
                guard let left = node["left"], let right = node["right"], let op = Operator(comparison: type) else { return .unknown }
                if let column = columnPath(left), let literal = SkippingLiteral(node: right) {
                    return .compare(column: column, op, literal)
                }
                if let column = columnPath(right), let literal = SkippingLiteral(node: left) {
                    return .compare(column: column, op.flipped, literal)
                }
                return .unknown
            case "COMPARE_IN":
                guard let children = node["children"]?.arrayValue, children.count >= 2,
                      let column = columnPath(children[0]) else { return .unknown }
                var literals: [SkippingLiteral] = []
                for child in children.dropFirst() {
                    guard let literal = SkippingLiteral(node: child) else { return .unknown }
                    literals.append(literal)
                }
                return .inList(column: column, literals)
            case "COMPARE_BETWEEN":
                guard let input = node["input"], let column = columnPath(input),
                      let lower = node["lower"].flatMap(SkippingLiteral.init(node:)),
                      let upper = node["upper"].flatMap(SkippingLiteral.init(node:)) else { return .unknown }
                return .and([.compare(column: column, .greaterOrEqual, lower), .compare(column: column, .lessOrEqual, upper)])
            case "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL":
                guard let child = node["children"]?.arrayValue?.first, let column = columnPath(child) else { return .unknown }
                return type == "OPERATOR_IS_NULL" ? .isNull(column: column) : .isNotNull(column: column)
            default:
                return .unknown
            }
        }

        /// The column (and struct fields) a `COLUMN_REF` names. A leading name equal to the
        /// table's is the table, as DuckDB binds it (`t.s.a` is field `a` of column `s`).
        func columnPath(_ node: DeltaLake.JSONValue) -> ColumnPath? {
            guard node["class"]?.stringValue == "COLUMN_REF", let values = node["column_names"]?.arrayValue else { return nil }
            var names = values.compactMap(\.stringValue)
            guard names.count == values.count, !names.isEmpty else { return nil }
            if names.count >= 2, names[0].lowercased() == tableName.lowercased() { names.removeFirst() }
            return ColumnPath(names)
        }
    }
}

extension SkippingPredicate.Operator {
    init?(comparison type: String) {
        switch type {
        case "COMPARE_EQUAL": self = .equal
        case "COMPARE_NOTEQUAL": self = .notEqual
        case "COMPARE_LESSTHAN": self = .less
        case "COMPARE_LESSTHANOREQUALTO": self = .lessOrEqual
        case "COMPARE_GREATERTHAN": self = .greater
        case "COMPARE_GREATERTHANOREQUALTO": self = .greaterOrEqual
        default: return nil
        }
    }

    /// The operator with its operands swapped (`1 < a` is `a > 1`).
    var flipped: Self {
        switch self {
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        case .equal, .notEqual: return self
        }
    }

    /// The operator that holds exactly when this one is false, for non-NULL operands.
    var negated: Self {
        switch self {
        case .equal: return .notEqual
        case .notEqual: return .equal
        case .less: return .greaterOrEqual
        case .lessOrEqual: return .greater
        case .greater: return .lessOrEqual
        case .greaterOrEqual: return .less
        }
    }
}

/// A column of table `t`, or a field inside struct columns: `["s", "a"]` is `s.a`. Names are
/// logical (as queries write them).
struct ColumnPath: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    var names: [String]

    init(_ names: [String]) { self.names = names }
    init(stringLiteral value: String) { names = value.split(separator: ".").map(String.init) }

    var description: String { names.joined(separator: ".") }
}
