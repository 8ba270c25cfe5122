/// What a transaction read from its snapshot, for conflict detection: which concurrent
/// changes could have altered what it decided to write.
///
/// A transaction that only adds files reads ``nothing`` (a blind append) unless told
/// otherwise; any other transaction defaults to ``wholeTable``, the conservative answer.
/// Record a narrower scope with ``Transaction/recordRead(_:)`` to let more concurrent
/// writers through.
public enum ReadScope: Sendable, Hashable {
    /// Read nothing: the commit does not depend on the table's contents (a blind append).
    case nothing
    /// Read every file: any concurrent removal conflicts, and so does any concurrent add our
    /// isolation level checks.
    case wholeTable
    /// Read the files of these partitions. Each element is a partial partition spec, physical
    /// column name → serialized value as in ``AddFile/partitionValues`` (`nil` is NULL); a file
    /// is in the scope when it agrees with some spec on every column the spec names.
    case partitions([[String: String?]])
    /// Read exactly these files (paths as in the log) and nothing else: their concurrent
    /// removal conflicts, concurrent adds do not. Only right for operations whose result
    /// does not depend on rows outside these files (compaction, say), not for a DELETE
    /// with a predicate.
    case files([String])
}

/// The union of every ``ReadScope`` a transaction recorded.
struct ReadSet: Sendable, Hashable {
    var wholeTable = false
    var partitions: [[String: String?]] = []
    var files: Set<String> = []

    /// Whether nothing was read (the transaction may be a blind append).
    var isEmpty: Bool { !wholeTable && partitions.isEmpty && files.isEmpty }

    mutating func record(_ scope: ReadScope) {
        switch scope {
        case .nothing: break
        case .wholeTable: wholeTable = true
        case .partitions(let specs): partitions += specs
        case .files(let paths): files.formUnion(paths)
        }
    }

    /// Whether a file with `partitionValues` is one our read could have seen (a predicate
    /// match; files named by ``ReadScope/files(_:)`` carry no predicate).
    func covers(partitionValues: [String: String?]) -> Bool {
        if wholeTable { return true }
        return partitions.contains { spec in
            spec.allSatisfy { column, value in (partitionValues[column] ?? nil) == value }
        }
    }
}
