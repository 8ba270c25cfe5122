import DeltaLake

/// What RESTORE commits to bring the latest version back to an older one (Delta's
/// `RestoreTableCommand`): remove the files active now but not then, re-add the files active
/// then but not now, both with `dataChange: true`; the metadata as it was then; the protocol
/// never downgraded (the target's and the latest's, whichever asks more, features united).
struct RestorePlan: Sendable {
    /// Files to re-add (active at the target, not now), as they were at the target.
    let toAdd: [AddFile]
    /// Files to remove (active now, not at the target).
    let toRemove: [AddFile]
    /// The metadata to commit, when it differs from the latest.
    let metadata: Metadata?
    /// The protocol to commit, when it must change (an upgrade, never a downgrade).
    let `protocol`: DeltaProtocol?

    /// The plan that turns `latest` into `target`.
    init(latest: Snapshot, target: Snapshot) {
        let now = Set(latest.activeFiles.map(\.key))
        let then = Set(target.activeFiles.map(\.key))
        toAdd = target.activeFiles.filter { !now.contains($0.key) }.map { file in
            var file = file
            file.dataChange = true
            return file
        }
        toRemove = latest.activeFiles.filter { !then.contains($0.key) }
        metadata = target.metadata == latest.metadata ? nil : target.metadata
        let merged = Self.merge(latest.protocol, target.protocol)
        `protocol` = merged == latest.protocol ? nil : merged
    }

    /// The protocol that satisfies both: the higher versions and every feature of either.
    static func merge(_ a: DeltaProtocol, _ b: DeltaProtocol) -> DeltaProtocol {
        func union(_ x: [String]?, _ y: [String]?) -> [String]? {
            if x == nil && y == nil { return nil }
            var seen = Set<String>()
            return ((x ?? []) + (y ?? [])).filter { seen.insert($0).inserted }
        }
        // A legacy version implies features; listing features (reader 3, writer 7) must name them.
        func readerFeatures(_ p: DeltaProtocol) -> [String]? {
            p.minReaderVersion >= 3 ? p.readerFeatures : (p.minReaderVersion == 2 ? ["columnMapping"] : nil)
        }
        let reader = max(a.minReaderVersion, b.minReaderVersion)
        let writer = max(a.minWriterVersion, b.minWriterVersion)
        return DeltaProtocol(minReaderVersion: reader, minWriterVersion: writer,
                             readerFeatures: reader >= 3 ? union(readerFeatures(a), readerFeatures(b)) ?? [] : nil,
                             writerFeatures: writer >= 7 ? union(WriterFeatures.required(by: a), WriterFeatures.required(by: b)) ?? [] : nil)
    }
}
