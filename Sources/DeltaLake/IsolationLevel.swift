/// How strictly a commit is checked against the commits that won the race before it
/// (Delta's isolation levels; recorded as `commitInfo.isolationLevel`).
public enum IsolationLevel: String, Sendable, Hashable, CaseIterable {
    /// Every concurrent change our read could have seen conflicts, blind appends included.
    case serializable = "Serializable"
    /// Delta's default: as ``serializable``, except that concurrent blind appends never
    /// conflict (unless this commit changes metadata or protocol). The table's history may
    /// then order the appends differently from a serial execution, which writers accept.
    case writeSerializable = "WriteSerializable"
    /// Only for commits that change no data (every file action has `dataChange: false`, no
    /// metadata or protocol change): concurrent appends never conflict; removals still do.
    case snapshotIsolation = "SnapshotIsolation"

    /// The level the table asks for in `delta.isolationLevel` (``writeSerializable`` when unset).
    /// Unknown values are refused rather than guessed.
    public static func configured(in metadata: Metadata) throws -> IsolationLevel {
        guard let value = metadata.configuration["delta.isolationLevel"] else { return .writeSerializable }
        switch value.lowercased() {
        case "serializable": return .serializable
        case "writeserializable": return .writeSerializable
        default:
            throw DeltaError(.invalidTable,
                "the table property delta.isolationLevel is '\(value)'; writers support Serializable and WriteSerializable. Set it to one of those.")
        }
    }
}
