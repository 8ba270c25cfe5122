/// Which writer protocol versions and writer features this library can commit to, and the
/// check that refuses the rest (PROTOCOL.md, "Table Features", "Writer Requirements").
///
/// A feature is supported only when this layer, with no help from the engine, keeps every
/// writer requirement it has (CHECK constraints are the engine's to check: see
/// ``constraints(of:)``). Several features are supported only while they are inactive
/// (nothing to enforce); the check looks at the schema and properties to tell.
///
/// | Feature | Supported | Why |
/// |---|---|---|
/// | `appendOnly` | yes | removes with `dataChange: true` are refused while `delta.appendOnly` is true |
/// | `invariants` | while no column has `delta.invariants` | rows are not checked |
/// | `checkConstraints` | yes | the engine checks rows against every `delta.constraints.*` property before it commits (SwiftLake's `ConstraintCheck`); this layer only records them |
/// | `changeDataFeed` | while `delta.enableChangeDataFeed` is not true | no `cdc` files are written |
/// | `generatedColumns` | while no column has `delta.generationExpression` | values are not computed |
/// | `identityColumns` | while no column has `delta.identity.*` | ids are not assigned |
/// | `columnMapping` | while `delta.columnMapping.mode` is `none` | physical names are not assigned |
/// | `timestampNtz` | yes | a type only; files are the engine's |
/// | `domainMetadata` | yes | `domainMetadata` actions are written and checked for conflicts |
/// | `vacuumProtocolCheck` | yes | concerns vacuum only |
/// | `v2Checkpoint` | yes | this layer writes no checkpoints, so never a classic one |
/// | `deletionVectors` | yes | `add` actions may carry deletion vectors (checked: the table has the feature, the file has `numRecords`); writers that rewrite rows must apply a file's vector (SwiftLake's target scan does), and write new ones only while `delta.enableDeletionVectors` is true (``deletionVectorsEnabled(_:)``) |
/// | everything else (`rowTracking`, `inCommitTimestamp`, `clustering`, `typeWidening`, `icebergCompat*`, `variantType`, `allowColumnDefaults`, ...) | no | not implemented yet |
public enum WriterFeatures {
    /// The highest writer protocol version understood (7: read the `writerFeatures` list).
    public static let maxWriterVersion = 7

    /// Writer features this layer can honour (some only while inactive; see the type's table).
    public static let supported: Set<String> = [
        "appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns",
        "identityColumns", "columnMapping", "timestampNtz", "domainMetadata", "vacuumProtocolCheck",
        "v2Checkpoint", "deletionVectors",
    ]

    /// The writer features `proto` requires: the `writerFeatures` list at writer version 7,
    /// or the features implied by a legacy writer version (2: appendOnly, invariants;
    /// 3: checkConstraints; 4: changeDataFeed, generatedColumns; 5: columnMapping;
    /// 6: identityColumns).
    public static func required(by proto: DeltaProtocol) -> [String] {
        if proto.minWriterVersion >= 7 { return proto.writerFeatures ?? [] }
        var features: [String] = []
        if proto.minWriterVersion >= 2 { features += ["appendOnly", "invariants"] }
        if proto.minWriterVersion >= 3 { features += ["checkConstraints"] }
        if proto.minWriterVersion >= 4 { features += ["changeDataFeed", "generatedColumns"] }
        if proto.minWriterVersion >= 5 { features += ["columnMapping"] }
        if proto.minWriterVersion >= 6 { features += ["identityColumns"] }
        return features
    }

    /// Throws ``DeltaError`` (`unsupportedFeature`, naming the feature) unless this layer can
    /// commit to a table with `proto` and `metadata` without breaking a writer requirement.
    public static func checkWritable(_ proto: DeltaProtocol, metadata: Metadata, table: String = "the table") throws {
        if proto.minWriterVersion > maxWriterVersion || proto.minWriterVersion < 1 {
            throw DeltaError(.unsupportedFeature,
                "\(table) requires Delta writer protocol version \(proto.minWriterVersion); SwiftLake writes versions 1 to \(maxWriterVersion). Write to it with a newer Delta client.",
                feature: "writerVersion\(proto.minWriterVersion)")
        }
        let fixHint = "Write to this table with a client that supports it (Spark, delta-rs), or remove the feature from the table."
        for feature in required(by: proto) {
            guard supported.contains(feature) else {
                throw DeltaError(.unsupportedFeature,
                    "\(table) uses the writer feature '\(feature)', which SwiftLake cannot write yet; it writes tables with "
                        + supported.sorted().joined(separator: ", ") + ". " + fixHint,
                    feature: feature)
            }
            if let activeBecause = try whyActive(feature, metadata: metadata) {
                throw DeltaError(.unsupportedFeature,
                    "\(table) uses the writer feature '\(feature)' (\(activeBecause)), which SwiftLake cannot enforce yet. " + fixHint,
                    feature: feature)
            }
        }
    }

    /// Whether writers may add new deletion vectors to the table: the protocol has the
    /// `deletionVectors` reader and writer feature and `delta.enableDeletionVectors` is true
    /// (with the property false, existing vectors stay valid but DML rewrites files instead).
    public static func deletionVectorsEnabled(_ proto: DeltaProtocol, metadata: Metadata) -> Bool {
        proto.writerFeatures?.contains("deletionVectors") == true && proto.readerFeatures?.contains("deletionVectors") == true
            && metadata.configuration["delta.enableDeletionVectors"]?.lowercased() == "true"
    }

    /// `proto` with the features `metadata`'s properties turn on: with
    /// `delta.enableDeletionVectors` true, reader version 3 and writer version 7 with
    /// `deletionVectors` in both feature lists (as Spark and delta-rs create such tables); the
    /// features a legacy writer version implied are listed explicitly.
    public static func `protocol`(_ proto: DeltaProtocol, for metadata: Metadata) -> DeltaProtocol {
        guard metadata.configuration["delta.enableDeletionVectors"]?.lowercased() == "true" else { return proto }
        var readerFeatures = proto.minReaderVersion >= 3 ? proto.readerFeatures ?? [] : (proto.minReaderVersion == 2 ? ["columnMapping"] : [])
        var writerFeatures = required(by: proto)
        if !readerFeatures.contains("deletionVectors") { readerFeatures.append("deletionVectors") }
        if !writerFeatures.contains("deletionVectors") { writerFeatures.append("deletionVectors") }
        for feature in readerFeatures where !writerFeatures.contains(feature) { writerFeatures.append(feature) }
        return DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: readerFeatures, writerFeatures: writerFeatures)
    }

    /// The table's CHECK constraints (`delta.constraints.<name>` properties), name → SQL
    /// expression, which every row a writer adds must satisfy (a NULL result violates, as in
    /// Spark). Committing rows is allowed here; checking them is the engine's job.
    public static func constraints(of metadata: Metadata) -> [String: String] {
        var found: [String: String] = [:]
        for (key, value) in metadata.configuration where key.hasPrefix("delta.constraints.") {
            found[String(key.dropFirst("delta.constraints.".count))] = value
        }
        return found
    }

    /// For a conditionally supported feature: why it is active on this table (so it cannot
    /// be written here), or `nil` when there is nothing to enforce.
    static func whyActive(_ feature: String, metadata: Metadata) throws -> String? {
        let config = metadata.configuration
        switch feature {
        case "invariants":
            return try fieldWithMetadata(metadata, key: "delta.invariants").map { "column '\($0)' has an invariant" }
        case "changeDataFeed":
            return config["delta.enableChangeDataFeed"]?.lowercased() == "true"
                ? "delta.enableChangeDataFeed is true, so changes need cdc files" : nil
        case "generatedColumns":
            return try fieldWithMetadata(metadata, key: "delta.generationExpression").map { "column '\($0)' is generated" }
        case "identityColumns":
            return try fieldWithMetadata(metadata, keyPrefix: "delta.identity.").map { "column '\($0)' is an identity column" }
        case "columnMapping":
            let mode = metadata.columnMappingMode
            return mode == "none" ? nil : "delta.columnMapping.mode is '\(mode)'"
        default:
            return nil
        }
    }

    /// The dotted name of the first field (at any depth) whose metadata has `key` (or a key
    /// starting with `keyPrefix`).
    static func fieldWithMetadata(_ metadata: Metadata, key: String? = nil, keyPrefix: String? = nil) throws -> String? {
        guard !metadata.schemaString.isEmpty else { return nil }
        func matches(_ field: StructField) -> Bool {
            if let key, field.metadata[key] != nil { return true }
            if let keyPrefix, field.metadata.keys.contains(where: { $0.hasPrefix(keyPrefix) }) { return true }
            return false
        }
        func search(_ type: DataType, prefix: String) -> String? {
            switch type {
            case .primitive: return nil
            case .struct(let s):
                for field in s.fields {
                    let name = prefix + field.name
                    if matches(field) { return name }
                    if let found = search(field.type, prefix: name + ".") { return found }
                }
                return nil
            case .array(let a): return search(a.elementType, prefix: prefix + "element.")
            case .map(let m): return search(m.keyType, prefix: prefix + "key.") ?? search(m.valueType, prefix: prefix + "value.")
            }
        }
        return search(.struct(StructType(fields: try metadata.schema().fields)), prefix: "")
    }
}
