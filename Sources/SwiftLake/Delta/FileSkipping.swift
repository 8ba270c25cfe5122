import DeltaLake

/// Decides which of a snapshot's files may hold rows matching a ``SkippingPredicate``, from
/// partition values (exact) and the min/max/null-count statistics Delta keeps per file (the
/// JSON `stats`, or `stats_parsed` from a checkpoint). When unsure, a file is kept.
struct FileSkipping {
    /// Per-column facts about one file.
    struct ColumnFacts {
        var min: SkippingLiteral?
        var max: SkippingLiteral?
        /// Every value is NULL.
        var allNull = false
        /// No value is NULL.
        var noNull = false
    }

    enum Kind { case number, string, date }

    let schema: DeltaSchema
    let partitionColumns: Set<String>
    /// Comparable columns by logical name: their kind and physical (stats) name.
    let columns: [String: (kind: Kind, physical: String)]

    init(snapshot: Snapshot) {
        schema = snapshot.schema
        partitionColumns = Set(snapshot.metadata.partitionColumns)
        var columns: [String: (Kind, String)] = [:]
        for field in snapshot.schema.fields {
            guard case .primitive(let type) = field.type else { continue }
            let kind: Kind?
            switch type {
            case .long, .integer, .short, .byte, .double, .float, .decimal: kind = .number
            case .string: kind = .string
            case .date: kind = .date
            default: kind = nil
            }
            if let kind { columns[field.name] = (kind, field.physicalName) }
        }
        self.columns = columns
    }

    /// Whether `file` may contain rows for which `predicate` holds.
    func mayMatch(_ file: AddFile, _ predicate: SkippingPredicate) -> Bool {
        if predicate == .unknown { return true }
        let partitions = (try? PartitionValues.typed(file.partitionValues, schema: schema,
                                                     partitionColumns: Array(partitionColumns))) ?? [:]
        let stats = Self.statistics(file)
        return evaluate(predicate) { column in facts(column, partitions: partitions, stats: stats) }
    }

    private func evaluate(_ predicate: SkippingPredicate, _ facts: (String) -> (ColumnFacts, Kind)?) -> Bool {
        switch predicate {
        case .unknown: return true
        case .and(let parts): return parts.allSatisfy { evaluate($0, facts) }
        case .or(let parts): return parts.contains { evaluate($0, facts) }
        case .isNull(let column):
            guard let (f, _) = facts(column) else { return true }
            return !f.noNull
        case .isNotNull(let column):
            guard let (f, _) = facts(column) else { return true }
            return !f.allNull
        case .inList(let column, let literals):
            return literals.contains { evaluate(.compare(column: column, .equal, $0), facts) }
        case .compare(let column, let op, let literal):
            guard let (f, kind) = facts(column) else { return true }
            if f.allNull { return false }   // a comparison with NULL is never true
            guard let lit = comparable(literal, kind), let min = f.min, let max = f.max,
                  let lo = order(min, lit), let hi = order(max, lit) else { return true }
            switch op {
            case .equal: return lo <= 0 && hi >= 0
            case .notEqual: return !(lo == 0 && hi == 0)
            case .less: return lo < 0
            case .lessOrEqual: return lo <= 0
            case .greater: return hi > 0
            case .greaterOrEqual: return hi >= 0
            }
        }
    }

    /// The literal as the column's kind, if they are comparable.
    private func comparable(_ literal: SkippingLiteral, _ kind: Kind) -> SkippingLiteral? {
        switch (literal, kind) {
        case (.number, .number), (.string, .string), (.date, .date): return literal
        case (.string(let s), .date) where SkippingLiteral.isDate(s): return .date(s)
        default: return nil
        }
    }

    /// -1, 0, 1 comparing `a` with `b`, or nil when they cannot be compared.
    private func order(_ a: SkippingLiteral, _ b: SkippingLiteral) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)), (.date(let x), .date(let y)):
            return x < y ? -1 : (x > y ? 1 : 0)
        default: return nil
        }
    }

    private func facts(_ column: String, partitions: [String: PartitionValue],
                       stats: DeltaLake.JSONValue?) -> (ColumnFacts, Kind)? {
        if partitionColumns.contains(column) {
            guard let value = partitions[column] else { return nil }
            var f = ColumnFacts()
            switch value {
            case .null: f.allNull = true; return (f, .string)
            case .long(let v): f.min = .number(Double(v))
            case .integer(let v): f.min = .number(Double(v))
            case .short(let v): f.min = .number(Double(v))
            case .byte(let v): f.min = .number(Double(v))
            case .double(let v) where v.isFinite: f.min = .number(v)
            case .float(let v) where v.isFinite: f.min = .number(Double(v))
            case .decimal(let text, _, _): f.min = Double(text).map(SkippingLiteral.number)
            case .string(let s): f.min = .string(s)
            case .date: f.min = .date(value.description)
            default: return nil
            }
            guard let literal = f.min else { return nil }
            f.max = literal
            f.noNull = true
            switch literal {
            case .number: return (f, .number)
            case .string: return (f, .string)
            case .date: return (f, .date)
            }
        }
        guard let (kind, physical) = columns[column], let stats else { return nil }
        var f = ColumnFacts()
        let records = stats["numRecords"]?.int64Value
        if let nulls = stats["nullCount"]?[physical]?.int64Value {
            f.noNull = nulls == 0
            if let records { f.allNull = nulls == records }
        }
        f.min = literal(stats["minValues"]?[physical], kind, isMax: false)
        f.max = literal(stats["maxValues"]?[physical], kind, isMax: true)
        return (f, kind)
    }

    private func literal(_ value: DeltaLake.JSONValue?, _ kind: Kind, isMax: Bool) -> SkippingLiteral? {
        guard let value, !value.isNull else { return nil }
        switch kind {
        case .number:
            return value.doubleValue.flatMap { $0.isFinite ? .number($0) : nil }
        case .string:
            // Writers truncate long string statistics; a truncated maximum is not a bound.
            guard let s = value.stringValue, !(isMax && s.count >= 32) else { return nil }
            return .string(s)
        case .date:
            guard let s = value.stringValue, SkippingLiteral.isDate(String(s.prefix(10))) else { return nil }
            return .date(String(s.prefix(10)))
        }
    }

    /// A file's statistics object: `stats_parsed` when present, else the parsed `stats` JSON.
    static func statistics(_ file: AddFile) -> DeltaLake.JSONValue? {
        if let parsed = file.statsParsed, parsed.objectValue != nil { return parsed }
        guard let text = file.stats else { return nil }
        return try? DeltaLake.JSONValue.parse(text)
    }
}
