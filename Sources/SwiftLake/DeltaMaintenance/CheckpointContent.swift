import DeltaLake

/// The actions of a classic checkpoint of one snapshot (PROTOCOL.md, "Checkpoints"): the
/// table's state with everything replay no longer needs left out.
///
/// In order: `protocol`, `metaData`, every `txn`, the live `domainMetadata`, the active
/// files' `add`s, and the `remove`s still inside `delta.deletedFileRetentionDuration`
/// (older tombstones expire: VACUUM may already have deleted their files). `commitInfo`
/// and `cdc` never go into checkpoints. As Spark writes them, file actions carry
/// `dataChange: false` (a checkpoint changes no data).
struct CheckpointContent: Sendable {
    /// The checkpoint's rows, one action each.
    let actions: [Action]
    /// How many `add` rows there are (`_last_checkpoint`'s `numOfAddFiles`).
    let addCount: Int
    /// How many tombstones were kept.
    let removeCount: Int

    /// The checkpoint of `snapshot`, with tombstones older than `now` minus the table's
    /// deleted-file retention left out.
    init(snapshot: Snapshot, now: Int64) {
        let settings = DeltaMaintenanceSettings(snapshot.metadata)
        let oldestTombstone = now - settings.deletedFileRetentionMillis
        var actions: [Action] = [.protocol(snapshot.protocol), .metadata(snapshot.metadata)]
        actions += snapshot.appTransactions.keys.sorted().map { .txn(snapshot.appTransactions[$0]!) }
        actions += snapshot.domainMetadata.keys.sorted().map { .domainMetadata(snapshot.domainMetadata[$0]!) }
        for var add in snapshot.activeFiles {
            add.dataChange = false
            if add.stats == nil, let parsed = add.statsParsed { add.stats = Self.statsString(parsed) }
            add.statsParsed = nil
            actions.append(.add(add))
        }
        var kept = 0
        for var remove in snapshot.tombstones.sorted(by: { $0.path < $1.path })
        where (remove.deletionTimestamp ?? 0) > oldestTombstone {
            remove.dataChange = false
            actions.append(.remove(remove))
            kept += 1
        }
        self.actions = actions
        self.addCount = snapshot.activeFiles.count
        self.removeCount = kept
    }

    /// The `stats` JSON string of statistics that only a checkpoint's `stats_parsed` held.
    /// Record and null counts are exact; of the bounds only numbers are kept, since other
    /// types (timestamps above all) come back from Parquet in a form other readers may not parse.
    static func statsString(_ parsed: DeltaLake.JSONValue) -> String? {
        guard case .object(let members) = parsed else { return nil }
        var out: [String: DeltaLake.JSONValue] = [:]
        for (key, value) in members {
            switch key {
            case "minValues", "maxValues": out[key] = numbersOnly(value)
            case "numRecords", "nullCount", "tightBounds": out[key] = value
            default: break
            }
        }
        return out.isEmpty ? nil : DeltaLake.JSONValue.object(out).description
    }

    private static func numbersOnly(_ value: DeltaLake.JSONValue) -> DeltaLake.JSONValue {
        guard case .object(let members) = value else { return .object([:]) }
        var out: [String: DeltaLake.JSONValue] = [:]
        for (key, member) in members {
            switch member {
            case .int, .double: out[key] = member
            case .object: out[key] = numbersOnly(member)
            default: break
            }
        }
        return .object(out)
    }
}
