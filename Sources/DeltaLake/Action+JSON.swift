/// Rendering actions as Delta's JSON (PROTOCOL.md, "Actions"): the inverse of
/// ``Action/init(json:)``.
///
/// A commit file is one action per line, each line a wrapper object such as
/// `{"add":{...}}`. Field names are the protocol's; optional fields that are `nil` are left
/// out (as Spark and delta-rs do); `partitionValues` keep JSON `null` for SQL NULL. Object
/// keys are rendered sorted (key order is not significant in Delta's JSON).
///
/// For every decoded action, `Action(json: action.json) == action`. ``AddFile/statsParsed``
/// renders as `stats_parsed` (as JSON v2 checkpoints hold it); writers of commits leave it
/// `nil` and give statistics as the ``AddFile/stats`` string.
extension Action {
    /// The action as its wrapper object, e.g. `{"add": {...}}`.
    public var json: JSONValue {
        switch self {
        case .add(let add): return .object(["add": add.json])
        case .remove(let remove): return .object(["remove": remove.json])
        case .metadata(let metadata): return .object(["metaData": metadata.json])
        case .protocol(let proto): return .object(["protocol": proto.json])
        case .commitInfo(let info): return .object(["commitInfo": info.json])
        case .txn(let txn): return .object(["txn": txn.json])
        case .domainMetadata(let domain): return .object(["domainMetadata": domain.json])
        case .cdc(let cdc): return .object(["cdc": cdc.json])
        case .checkpointMetadata(let header): return .object(["checkpointMetadata": header.json])
        case .sidecar(let sidecar): return .object(["sidecar": sidecar.json])
        }
    }

    /// The action as one line of a commit file (no trailing newline).
    public var jsonLine: String { json.description }

    /// The bytes of a commit file holding `actions` in order: one action per line, each
    /// line ending in `\n`.
    public static func encodeLines(_ actions: [Action]) -> [UInt8] {
        var text = ""
        for action in actions {
            action.json.render(into: &text)
            text += "\n"
        }
        return Array(text.utf8)
    }
}

/// Helpers shared by the renderers.
enum ActionJSON {
    /// `[String: String?]` as a JSON object, `nil` values as `null`.
    static func stringMap(_ map: [String: String?]) -> JSONValue {
        .object(map.mapValues { $0.map(JSONValue.string) ?? .null })
    }

    /// `[String: String]` as a JSON object.
    static func stringMap(_ map: [String: String]) -> JSONValue {
        .object(map.mapValues(JSONValue.string))
    }

    /// Sets `object[key]` when `value` is present.
    static func setOptional(_ object: inout [String: JSONValue], _ key: String, _ value: JSONValue?) {
        if let value { object[key] = value }
    }
}

extension AddFile {
    /// The body of the `add` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "path": .string(path),
            "partitionValues": ActionJSON.stringMap(partitionValues),
            "size": .int(size),
            "modificationTime": .int(modificationTime),
            "dataChange": .bool(dataChange),
        ]
        ActionJSON.setOptional(&o, "stats", stats.map(JSONValue.string))
        ActionJSON.setOptional(&o, "stats_parsed", statsParsed)
        ActionJSON.setOptional(&o, "tags", tags.map(ActionJSON.stringMap))
        ActionJSON.setOptional(&o, "deletionVector", deletionVector?.json)
        ActionJSON.setOptional(&o, "baseRowId", baseRowId.map(JSONValue.int))
        ActionJSON.setOptional(&o, "defaultRowCommitVersion", defaultRowCommitVersion.map(JSONValue.int))
        ActionJSON.setOptional(&o, "clusteringProvider", clusteringProvider.map(JSONValue.string))
        return .object(o)
    }
}

extension RemoveFile {
    /// The body of the `remove` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["path": .string(path), "dataChange": .bool(dataChange)]
        ActionJSON.setOptional(&o, "deletionTimestamp", deletionTimestamp.map(JSONValue.int))
        ActionJSON.setOptional(&o, "extendedFileMetadata", extendedFileMetadata.map(JSONValue.bool))
        ActionJSON.setOptional(&o, "partitionValues", partitionValues.map(ActionJSON.stringMap))
        ActionJSON.setOptional(&o, "size", size.map(JSONValue.int))
        ActionJSON.setOptional(&o, "tags", tags.map(ActionJSON.stringMap))
        ActionJSON.setOptional(&o, "deletionVector", deletionVector?.json)
        ActionJSON.setOptional(&o, "baseRowId", baseRowId.map(JSONValue.int))
        ActionJSON.setOptional(&o, "defaultRowCommitVersion", defaultRowCommitVersion.map(JSONValue.int))
        ActionJSON.setOptional(&o, "stats", stats.map(JSONValue.string))
        return .object(o)
    }
}

extension CdcFile {
    /// The body of the `cdc` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "path": .string(path),
            "partitionValues": ActionJSON.stringMap(partitionValues),
            "size": .int(size),
            "dataChange": .bool(dataChange),
        ]
        ActionJSON.setOptional(&o, "tags", tags.map(ActionJSON.stringMap))
        return .object(o)
    }
}

extension DeletionVectorDescriptor {
    /// The `deletionVector` object of an `add` or `remove` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "storageType": .string(storageType.rawValue),
            "pathOrInlineDv": .string(pathOrInlineDv),
            "sizeInBytes": .int(Int64(sizeInBytes)),
            "cardinality": .int(cardinality),
        ]
        ActionJSON.setOptional(&o, "offset", offset.map { .int(Int64($0)) })
        ActionJSON.setOptional(&o, "maxRowIndex", maxRowIndex.map(JSONValue.int))
        return .object(o)
    }
}

extension Metadata {
    /// The body of the `metaData` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id),
            "format": .object(["provider": .string(formatProvider), "options": ActionJSON.stringMap(formatOptions)]),
            "schemaString": .string(schemaString),
            "partitionColumns": .array(partitionColumns.map(JSONValue.string)),
            "configuration": ActionJSON.stringMap(configuration),
        ]
        ActionJSON.setOptional(&o, "name", name.map(JSONValue.string))
        ActionJSON.setOptional(&o, "description", description.map(JSONValue.string))
        ActionJSON.setOptional(&o, "createdTime", createdTime.map(JSONValue.int))
        return .object(o)
    }
}

extension DeltaProtocol {
    /// The body of the `protocol` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "minReaderVersion": .int(Int64(minReaderVersion)),
            "minWriterVersion": .int(Int64(minWriterVersion)),
        ]
        ActionJSON.setOptional(&o, "readerFeatures", readerFeatures.map { .array($0.map(JSONValue.string)) })
        ActionJSON.setOptional(&o, "writerFeatures", writerFeatures.map { .array($0.map(JSONValue.string)) })
        return .object(o)
    }
}

extension CommitInfo {
    /// The body of the `commitInfo` action: every field, as kept.
    public var json: JSONValue { .object(fields) }
}

extension Txn {
    /// The body of the `txn` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["appId": .string(appId), "version": .int(version)]
        ActionJSON.setOptional(&o, "lastUpdated", lastUpdated.map(JSONValue.int))
        return .object(o)
    }
}

extension DomainMetadata {
    /// The body of the `domainMetadata` action.
    public var json: JSONValue {
        .object(["domain": .string(domain), "configuration": .string(configuration), "removed": .bool(removed)])
    }
}

extension CheckpointMetadata {
    /// The body of the `checkpointMetadata` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["version": .int(version)]
        ActionJSON.setOptional(&o, "tags", tags.map(ActionJSON.stringMap))
        return .object(o)
    }
}

extension Sidecar {
    /// The body of the `sidecar` action.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "path": .string(path), "sizeInBytes": .int(sizeInBytes), "modificationTime": .int(modificationTime),
        ]
        ActionJSON.setOptional(&o, "tags", tags.map(ActionJSON.stringMap))
        return .object(o)
    }
}
