/// A Spark SQL data type, as the server describes a schema (``SparkConnectClient/schema(of:)``).
public indirect enum SparkDataType: Sendable, Hashable, CustomStringConvertible {
    case null
    case boolean
    case byte
    case short
    case integer
    case long
    case float
    case double
    case decimal(precision: Int, scale: Int)
    case string
    case char(length: Int)
    case varchar(length: Int)
    case binary
    case date
    /// `TIMESTAMP` (with the session's local time zone).
    case timestamp
    /// `TIMESTAMP_NTZ`
    case timestampNTZ
    case time(precision: Int)
    case calendarInterval
    case yearMonthInterval(start: Int, end: Int)
    case dayTimeInterval(start: Int, end: Int)
    case array(element: SparkDataType, containsNull: Bool)
    case structure([SparkStructField])
    case map(key: SparkDataType, value: SparkDataType, valueContainsNull: Bool)
    case variant
    /// A type this client does not model, by its name.
    case other(String)

    /// Spark's `simpleString`: `int`, `decimal(10,2)`, `array<int>`, `struct<a:int,b:string>`,
    /// `map<string,int>`.
    public var description: String {
        switch self {
        case .null: return "void"
        case .boolean: return "boolean"
        case .byte: return "tinyint"
        case .short: return "smallint"
        case .integer: return "int"
        case .long: return "bigint"
        case .float: return "float"
        case .double: return "double"
        case .decimal(let p, let s): return "decimal(\(p),\(s))"
        case .string: return "string"
        case .char(let n): return "char(\(n))"
        case .varchar(let n): return "varchar(\(n))"
        case .binary: return "binary"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .timestampNTZ: return "timestamp_ntz"
        case .time(let p): return "time(\(p))"
        case .calendarInterval: return "interval"
        case .yearMonthInterval(let start, let end):
            return Self.intervalName(["year", "month"], start, end)
        case .dayTimeInterval(let start, let end):
            return Self.intervalName(["day", "hour", "minute", "second"], start, end)
        case .array(let element, _): return "array<\(element)>"
        case .structure(let fields): return "struct<" + fields.map { "\($0.name):\($0.dataType)" }.joined(separator: ",") + ">"
        case .map(let key, let value, _): return "map<\(key),\(value)>"
        case .variant: return "variant"
        case .other(let name): return name
        }
    }

    /// The fields, for a struct (a query's schema is one).
    public var fields: [SparkStructField] {
        if case .structure(let fields) = self { return fields }
        return []
    }

    private static func intervalName(_ units: [String], _ start: Int, _ end: Int) -> String {
        let s = units.indices.contains(start) ? units[start] : "?"
        let e = units.indices.contains(end) ? units[end] : "?"
        return start == end ? "interval \(s)" : "interval \(s) to \(e)"
    }
}

/// A field of a ``SparkDataType/structure(_:)``.
public struct SparkStructField: Sendable, Hashable {
    public var name: String
    public var dataType: SparkDataType
    public var nullable: Bool

    public init(name: String, dataType: SparkDataType, nullable: Bool = true) {
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
    }
}

extension SparkDataType {
    init(proto: Spark_Connect_DataType) {
        switch proto.kind {
        case .none: self = .other("unknown")
        case .null: self = .null
        case .boolean: self = .boolean
        case .byte: self = .byte
        case .short: self = .short
        case .integer: self = .integer
        case .long: self = .long
        case .float: self = .float
        case .double: self = .double
        case .decimal(let d):
            self = .decimal(precision: d.hasPrecision ? Int(d.precision) : 10, scale: d.hasScale ? Int(d.scale) : 0)
        case .string: self = .string
        case .char(let c): self = .char(length: Int(c.length))
        case .varChar(let c): self = .varchar(length: Int(c.length))
        case .binary: self = .binary
        case .date: self = .date
        case .timestamp: self = .timestamp
        case .timestampNtz: self = .timestampNTZ
        case .time(let t): self = .time(precision: t.hasPrecision ? Int(t.precision) : 6)
        case .calendarInterval: self = .calendarInterval
        case .yearMonthInterval(let i):
            self = .yearMonthInterval(start: i.hasStartField ? Int(i.startField) : 0, end: i.hasEndField ? Int(i.endField) : 1)
        case .dayTimeInterval(let i):
            self = .dayTimeInterval(start: i.hasStartField ? Int(i.startField) : 0, end: i.hasEndField ? Int(i.endField) : 3)
        case .array(let a):
            self = .array(element: SparkDataType(proto: a.elementType), containsNull: a.containsNull)
        case .struct(let s):
            self = .structure(s.fields.map {
                SparkStructField(name: $0.name, dataType: SparkDataType(proto: $0.dataType), nullable: $0.nullable)
            })
        case .map(let m):
            self = .map(key: SparkDataType(proto: m.keyType), value: SparkDataType(proto: m.valueType),
                        valueContainsNull: m.valueContainsNull)
        case .variant: self = .variant
        case .udt(let u): self = SparkDataType(proto: u.sqlType)
        case .unparsed(let u): self = .other(u.dataTypeString)
        case .geometry: self = .other("geometry")
        case .geography: self = .other("geography")
        case .timestampNtzNanos: self = .other("timestamp_ntz(9)")
        case .timestampLtzNanos: self = .other("timestamp_ltz(9)")
        }
    }
}
