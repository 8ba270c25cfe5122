import DuckDB
import SparkConnect

extension Value {
    /// A Spark result value as the DuckDB value of the same SQL type, so that Spark's answers
    /// are encoded (JSON, CSV, Arrow) exactly as DuckDB's are.
    init(spark value: SparkValue) {
        switch value {
        case .null: self = .null
        case .boolean(let b): self = .boolean(b)
        case .byte(let v): self = .tinyint(v)
        case .short(let v): self = .smallint(v)
        case .int(let v): self = .integer(v)
        case .long(let v): self = .bigint(v)
        case .float(let v): self = .float(v)
        case .double(let v): self = .double(v)
        case .decimal(let d): self = .decimal(DecimalValue(value: d.unscaled, width: d.precision, scale: d.scale))
        case .string(let s): self = .varchar(s)
        case .binary(let bytes): self = .blob(bytes)
        case .date(let days): self = .date(days: days)
        case .timestamp(let micros, let zone): self = zone == nil ? .timestamp(micros: micros) : .timestampTZ(micros: micros)
        case .time(let nanos): self = .time(micros: nanos / 1000)
        case .yearMonthInterval(let months): self = .interval(months: months, days: 0, micros: 0)
        case .dayTimeInterval(let micros):
            let day: Int64 = 86_400_000_000
            self = .interval(months: 0, days: Int32(micros / day), micros: micros % day)
        case .array(let items): self = .list(items.map(Value.init(spark:)))
        case .structure(let names, let values):
            self = .struct(zip(names, values).map { StructField(name: $0, value: Value(spark: $1)) })
        case .map(let keys, let values):
            self = .map(zip(keys, values).map { MapEntry(key: Value(spark: $0), value: Value(spark: $1)) })
        }
    }
}

extension LogicalType {
    /// The DuckDB type of an Arrow field Spark sent: the type DuckDB gives the same column
    /// when it reads the same data (Spark `INT` is `INTEGER`, `TIMESTAMP` is `TIMESTAMP WITH
    /// TIME ZONE`, `TIMESTAMP_NTZ` is `TIMESTAMP`, `ARRAY<…>` is a list, …).
    init(arrow field: SparkConnect.ArrowField) {
        switch field.type {
        case .null: self = .sqlNull
        case .boolean: self = .boolean
        case .int(let width, let signed):
            switch (width, signed) {
            case (8, true): self = .tinyint
            case (16, true): self = .smallint
            case (32, true): self = .integer
            case (64, true): self = .bigint
            case (8, false): self = .utinyint
            case (16, false): self = .usmallint
            case (32, false): self = .uinteger
            default: self = .ubigint
            }
        case .float16, .float32: self = .float
        case .float64: self = .double
        case .decimal(let precision, let scale, _): self = .decimal(width: precision, scale: scale)
        case .utf8, .largeUTF8: self = .varchar
        case .binary, .largeBinary, .fixedSizeBinary: self = .blob
        case .date: self = .date
        case .time: self = .time
        case .timestamp(_, let zone): self = zone == nil ? .timestamp : .timestampTZ
        case .duration, .interval: self = .interval
        case .list, .largeList, .fixedSizeList:
            self = .list(field.children.first.map(LogicalType.init(arrow:)) ?? .sqlNull)
        case .structure:
            self = .struct(field.children.map { (name: $0.name, type: LogicalType(arrow: $0)) })
        case .map:
            let entries = field.children.first?.children ?? []
            self = .map(key: entries.first.map(LogicalType.init(arrow:)) ?? .sqlNull,
                        value: entries.dropFirst().first.map(LogicalType.init(arrow:)) ?? .sqlNull)
        }
    }
}

extension RowBatch {
    /// A Spark record batch as a batch of DuckDB values.
    init(spark batch: SparkConnect.ArrowRecordBatch) {
        self.init(columns: batch.columns.map { column in (0..<column.count).map { Value(spark: column[$0]) } },
                  count: batch.rowCount)
    }
}
