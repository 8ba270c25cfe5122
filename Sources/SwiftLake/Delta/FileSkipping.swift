import DeltaLake

/// Decides which of a snapshot's files may hold rows matching a ``SkippingPredicate``, from
/// partition values (exact) and the min/max/null-count statistics Delta keeps per file (the
/// JSON `stats`, or `stats_parsed` from a checkpoint). When unsure, a file is kept: missing
/// statistics, a literal of another type than the column, a column it cannot find.
///
/// Statistics are looked up under physical names at every level (column mapping), in nested
/// objects for struct fields (`minValues: {"s": {"a": 1}}` for `s.a`). Timestamp maxima are
/// widened by 1 ms (writers truncate them to milliseconds); string maxima of 32+ characters
/// (maybe truncated) and float maxima (NaN, which DuckDB orders last, is not in them) are
/// not used as bounds.
struct FileSkipping {
    /// What kind of values a column holds, as far as skipping compares them.
    enum Kind: Equatable {
        case number, string, date, boolean
        /// `timestamp` (zoned, UTC instants) or `timestamp_ntz` (wall-clock readings).
        case timestamp(zoned: Bool)
    }

    /// A column (or struct field) that skipping can reason about.
    struct Column {
        var kind: Kind
        /// Names in the statistics objects, outermost first.
        var physicalPath: [String]
        /// A top-level partition column (its logical name).
        var partition: String?
        /// A float/double column, whose statistics do not bound NaN.
        var floating: Bool
    }

    /// Per-column facts about one file.
    struct ColumnFacts {
        var min: SkippingBound?
        var max: SkippingBound?
        /// Every value is NULL.
        var allNull = false
        /// No value is NULL.
        var noNull = false
    }

    /// How far a timestamp written without a zone may lie from UTC once DuckDB applies the
    /// session's time zone (offsets span -12:00…+14:00; 16 h leaves room for history).
    static let sessionZoneTolerance: Int64 = 16 * 3_600 * 1_000_000

    let schema: DeltaSchema
    let partitionColumns: Set<String>

    init(snapshot: Snapshot) {
        schema = snapshot.schema
        partitionColumns = Set(snapshot.metadata.partitionColumns)
    }

    /// Whether `file` may contain rows for which `predicate` holds.
    func mayMatch(_ file: AddFile, _ predicate: SkippingPredicate) -> Bool {
        if predicate == .unknown { return true }
        var partitions: [String: PartitionValue]?
        var stats: DeltaLake.JSONValue??
        return evaluate(predicate) { column in
            if let name = column.partition {
                if partitions == nil {
                    partitions = (try? PartitionValues.typed(file.partitionValues, schema: schema,
                                                             partitionColumns: Array(partitionColumns))) ?? [:]
                }
                return partitions?[name].flatMap { Self.facts(partition: $0, kind: column.kind) }
            }
            if stats == nil { stats = .some(Self.statistics(file)) }
            return (stats ?? nil).flatMap { Self.facts(column, stats: $0) }
        }
    }

    private func evaluate(_ predicate: SkippingPredicate, _ facts: (Column) -> ColumnFacts?) -> Bool {
        switch predicate {
        case .unknown: return true
        case .and(let parts): return parts.allSatisfy { evaluate($0, facts) }
        case .or(let parts): return parts.contains { evaluate($0, facts) }
        case .isNull(let path):
            guard let column = column(path), let f = facts(column) else { return true }
            return !f.noNull
        case .isNotNull(let path):
            guard let column = column(path), let f = facts(column) else { return true }
            return !f.allNull
        case .inList(let path, let literals):
            return literals.contains { evaluate(.compare(column: path, .equal, $0), facts) }
        case .compare(let path, let op, let literal):
            guard let column = column(path), let f = facts(column) else { return true }
            if f.allNull { return false }   // a comparison with NULL is never true
            guard let (low, high) = Self.bounds(literal, kind: column.kind) else { return true }
            // The literal lies somewhere in [low, high]; a missing bound is unbounded.
            switch op {
            case .equal: return Self.reaches(f.min, up: high, strictly: false) && Self.reaches(f.max, down: low, strictly: false)
            case .notEqual:
                guard let min = f.min, let max = f.max, low == high else { return true }
                return !(min.order(max) == 0 && min.order(low) == 0)
            case .less: return Self.reaches(f.min, up: high, strictly: true)
            case .lessOrEqual: return Self.reaches(f.min, up: high, strictly: false)
            case .greater: return Self.reaches(f.max, down: low, strictly: true)
            case .greaterOrEqual: return Self.reaches(f.max, down: low, strictly: false)
            }
        }
    }

    /// Whether a file whose minimum is `min` may hold a value below (or at) `value`.
    private static func reaches(_ min: SkippingBound?, up value: SkippingBound, strictly: Bool) -> Bool {
        guard let min, let order = min.order(value) else { return true }
        return strictly ? order < 0 : order <= 0
    }

    /// Whether a file whose maximum is `max` may hold a value above (or at) `value`.
    private static func reaches(_ max: SkippingBound?, down value: SkippingBound, strictly: Bool) -> Bool {
        guard let max, let order = max.order(value) else { return true }
        return strictly ? order > 0 : order >= 0
    }

    /// The column or struct field `path` names, if skipping can compare its values. Names
    /// match exactly, or else case-insensitively when that is unambiguous (as DuckDB binds).
    func column(_ path: ColumnPath) -> Column? {
        guard let first = path.names.first, let top = Self.field(first, in: schema.fields) else { return nil }
        var field = top
        var physical = [top.physicalName]
        for name in path.names.dropFirst() {
            guard case .struct(let inner) = field.type, let next = Self.field(name, in: inner.fields) else { return nil }
            field = next
            physical.append(next.physicalName)
        }
        guard case .primitive(let type) = field.type else { return nil }
        let kind: Kind
        switch type {
        case .long, .integer, .short, .byte, .double, .float, .decimal: kind = .number
        case .string: kind = .string
        case .date: kind = .date
        case .boolean: kind = .boolean
        case .timestamp: kind = .timestamp(zoned: true)
        case .timestampNtz: kind = .timestamp(zoned: false)
        default: return nil
        }
        let floating = type == .double || type == .float
        let partition = path.names.count == 1 && partitionColumns.contains(top.name) ? top.name : nil
        return Column(kind: kind, physicalPath: physical, partition: partition, floating: floating)
    }

    private static func field(_ name: String, in fields: [StructField]) -> StructField? {
        if let exact = fields.first(where: { $0.name == name }) { return exact }
        let matches = fields.filter { $0.name.lowercased() == name.lowercased() }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The interval the literal's value lies in, compared with a column of `kind`; nil when
    /// they are not comparable. Exact but for timestamps whose zone DuckDB takes from the
    /// session: those are widened by ``sessionZoneTolerance`` either way.
    static func bounds(_ literal: SkippingLiteral, kind: Kind) -> (SkippingBound, SkippingBound)? {
        switch (literal, kind) {
        case (.number(let x), .number): return (.number(x), .number(x))
        case (.string(let s), .string): return (.text(s), .text(s))
        case (.date(let s), .date): return (.text(s), .text(s))
        case (.string(let s), .date) where SkippingLiteral.isDate(s): return (.text(s), .text(s))
        case (.boolean(let b), .boolean): return (.flag(b), .flag(b))
        case (_, .timestamp(let columnZoned)):
            let timestamp: SkippingTimestamp, literalZoned: Bool
            switch literal {
            case .timestamp(let t, let zoned): (timestamp, literalZoned) = (t, zoned)
            case .string(let s): guard let t = SkippingTimestamp(s) else { return nil }; (timestamp, literalZoned) = (t, false)
            case .date(let s): guard let t = SkippingTimestamp(s) else { return nil }; (timestamp, literalZoned) = (t, false)
            default: return nil
            }
            let exact = columnZoned ? timestamp.hasZone : !(timestamp.hasZone || literalZoned)
            let slack = exact ? 0 : sessionZoneTolerance
            return (.micros(timestamp.micros - slack), .micros(timestamp.micros + slack))
        default:
            return nil
        }
    }

    /// Facts from a partition value: exact, and never NULL unless the value is.
    static func facts(partition value: PartitionValue, kind: Kind) -> ColumnFacts? {
        var f = ColumnFacts()
        let bound: SkippingBound?
        switch value {
        case .null: f.allNull = true; return f
        case .long(let v): bound = .number(Double(v))
        case .integer(let v): bound = .number(Double(v))
        case .short(let v): bound = .number(Double(v))
        case .byte(let v): bound = .number(Double(v))
        case .double(let v) where v.isFinite: bound = .number(v)
        case .float(let v) where v.isFinite: bound = .number(Double(v))
        case .decimal(let text, _, _): bound = Double(text).map(SkippingBound.number)
        case .string(let s): bound = .text(s)
        case .date: bound = .text(value.description)
        case .boolean(let b): bound = .flag(b)
        case .timestamp(let micros), .timestampNtz(let micros): bound = .micros(micros)
        default: bound = nil
        }
        guard let bound else { return nil }
        f.min = bound
        f.max = bound
        f.noNull = true
        return f
    }

    /// Facts from a file's statistics, under the column's physical path.
    static func facts(_ column: Column, stats: DeltaLake.JSONValue) -> ColumnFacts? {
        func lookup(_ section: String) -> DeltaLake.JSONValue? {
            column.physicalPath.reduce(stats[section]) { $0?[$1] }
        }
        var f = ColumnFacts()
        if let nulls = lookup("nullCount")?.int64Value {
            f.noNull = nulls == 0
            if let records = stats["numRecords"]?.int64Value { f.allNull = nulls == records }
        }
        f.min = bound(lookup("minValues"), column.kind, isMax: false)
        f.max = column.floating ? nil : bound(lookup("maxValues"), column.kind, isMax: true)
        return f
    }

    /// A statistic as a bound of a column of `kind`, or nil when it is missing or not one.
    static func bound(_ value: DeltaLake.JSONValue?, _ kind: Kind, isMax: Bool) -> SkippingBound? {
        guard let value, !value.isNull else { return nil }
        switch kind {
        case .number:
            return value.doubleValue.flatMap { $0.isFinite ? .number($0) : nil }
        case .string:
            // Writers truncate long string statistics; a truncated maximum is not a bound.
            guard let s = value.stringValue, !(isMax && s.count >= 32) else { return nil }
            return .text(s)
        case .date:
            guard let s = value.stringValue, SkippingLiteral.isDate(String(s.prefix(10))) else { return nil }
            return .text(String(s.prefix(10)))
        case .boolean:
            return value.boolValue.map(SkippingBound.flag)
        case .timestamp(let zoned):
            // A zoned column's statistic must say its zone; a wall-clock one must not.
            guard let s = value.stringValue, let t = SkippingTimestamp(s), t.hasZone == zoned else { return nil }
            // Statistics are truncated to milliseconds: the true maximum may be up to 999 µs more.
            return .micros(isMax ? t.micros + 1_000 : t.micros)
        }
    }

    /// A file's statistics object: `stats_parsed` when present, else the parsed `stats` JSON.
    static func statistics(_ file: AddFile) -> DeltaLake.JSONValue? {
        if let parsed = file.statsParsed, parsed.objectValue != nil { return parsed }
        guard let text = file.stats else { return nil }
        return try? DeltaLake.JSONValue.parse(text)
    }
}

/// A value skipping compares: a number, text (strings and `YYYY-MM-DD` dates, by UTF-8
/// bytes as DuckDB orders them), a boolean, or microseconds since the epoch.
enum SkippingBound: Equatable {
    case number(Double)
    case text(String)
    case flag(Bool)
    case micros(Int64)

    /// -1, 0 or 1 comparing `self` with `other`, or nil when they are of different kinds.
    func order(_ other: SkippingBound) -> Int? {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch (self, other) {
        case (.number(let a), .number(let b)): return sign(a, b)
        case (.micros(let a), .micros(let b)): return sign(a, b)
        case (.flag(let a), .flag(let b)): return sign(a ? 1 : 0, b ? 1 : 0)
        case (.text(let a), .text(let b)):
            if a.utf8.elementsEqual(b.utf8) { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        default: return nil
        }
    }
}
