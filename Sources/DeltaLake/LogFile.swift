import ObjectStore

/// One file of `_delta_log/`, classified by its name (PROTOCOL.md, "Delta Log Entries",
/// "Checkpoints").
public struct LogFile: Sendable, Hashable {
    /// What the file is.
    public enum Kind: Sendable, Hashable {
        /// `NNNNNNNNNNNNNNNNNNNN.json`: the commit of one version.
        case commit
        /// `N.checkpoint.parquet`: a classic single-file checkpoint (may also carry v2 sidecars).
        case checkpoint
        /// `N.checkpoint.PPPPPPPPPP.TTTTTTTTTT.parquet`: part `part` of `parts`.
        case multiPartCheckpoint(part: Int, parts: Int)
        /// `N.checkpoint.<uuid>.json|parquet`: a v2 checkpoint.
        case v2Checkpoint(uuid: String, json: Bool)
        /// `N.crc`: the version's checksum file (not needed for replay).
        case checksum
        /// `N.M.compacted.json`: a log compaction of versions N...M (optional; ignored).
        case compactedCommits(to: Int64)
    }

    /// The version the file belongs to.
    public var version: Int64
    /// What the file is.
    public var kind: Kind
    /// Its path (relative to the table root), size and modification time.
    public var meta: ObjectMeta

    /// Classifies `meta` by its file name; `nil` for files that are not log entries
    /// (`_last_checkpoint`, sidecars, temporary files, anything unknown).
    public init?(_ meta: ObjectMeta) {
        // Only direct children of _delta_log/ are log entries (checked on the UTF-8 bytes: a
        // listing classifies thousands of names).
        let path = meta.path.utf8
        guard path.starts(with: LogSegment.logDirectory.utf8) else { return nil }
        let nameBytes = path.dropFirst(LogSegment.logDirectory.utf8.count)
        guard !nameBytes.contains(UInt8(ascii: "/")) else { return nil }
        let name = Substring(nameBytes)
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].utf8.count == 20, parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let version = Int64(parts[0]) else { return nil }
        self.version = version
        self.meta = meta
        switch parts.count {
        case 2 where parts[1] == "json": kind = .commit
        case 2 where parts[1] == "crc": kind = .checksum
        case 3 where parts[1] == "checkpoint" && parts[2] == "parquet": kind = .checkpoint
        case 4 where parts[1] == "checkpoint" && (parts[3] == "json" || parts[3] == "parquet"):
            kind = .v2Checkpoint(uuid: String(parts[2]), json: parts[3] == "json")
        case 5 where parts[1] == "checkpoint" && parts[4] == "parquet":
            guard let part = Int(parts[2]), let total = Int(parts[3]), part >= 1, part <= total else { return nil }
            kind = .multiPartCheckpoint(part: part, parts: total)
        case 4 where parts[2] == "compacted" && parts[3] == "json":
            guard let to = Int64(parts[1]) else { return nil }
            kind = .compactedCommits(to: to)
        default:
            return nil
        }
    }

    /// Whether the file is (part of) a checkpoint.
    public var isCheckpoint: Bool {
        switch kind {
        case .checkpoint, .multiPartCheckpoint, .v2Checkpoint: return true
        default: return false
        }
    }

    /// The 20-digit zero-padded version used in log file names.
    public static func paddedVersion(_ version: Int64) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The path of the commit file of `version`, relative to the table root.
    public static func commitPath(_ version: Int64) -> String {
        LogSegment.logDirectory + paddedVersion(version) + ".json"
    }
}
