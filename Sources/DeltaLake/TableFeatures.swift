/// Which protocol versions and table features this library can read, and the check that
/// refuses the rest (PROTOCOL.md, "Table Features").
///
/// A table we cannot read correctly is refused with ``DeltaError/Kind/unsupportedFeature``
/// naming the feature (the server answers 422), never read wrongly.
public enum TableFeatures {
    /// The highest reader protocol version understood. Version 3 means "read the
    /// `readerFeatures` list"; 2 implies column mapping; 1 is the original protocol.
    public static let maxReaderVersion = 3

    /// Reader features this library supports, by their protocol names.
    ///
    /// - `columnMapping`: logical ↔ physical names and ids (``StructField/physicalName``).
    /// - `deletionVectors`: ``DeletionVectorDescriptor`` is part of a file's identity; the
    ///   engine drops the deleted rows.
    /// - `timestampNtz`: ``PrimitiveType/timestampNtz``.
    /// - `v2Checkpoint`: UUID-named checkpoints with sidecars (``LogSegment``).
    /// - `typeWidening`, `typeWidening-preview`: files may hold narrower types; the engine casts.
    /// - `vacuumProtocolCheck`: only matters to vacuum, which checks the protocol anyway.
    /// - `variantType`, `variantType-preview`, `variantShredding-preview`: variant columns,
    ///   as far as the engine can represent them.
    public static let supportedReaderFeatures: Set<String> = [
        "columnMapping", "deletionVectors", "timestampNtz", "v2Checkpoint",
        "typeWidening", "typeWidening-preview", "vacuumProtocolCheck",
        "variantType", "variantType-preview", "variantShredding-preview",
    ]

    /// Writer features that never stop a reader (listed for `detail` output and for the
    /// writer side later). Reading ignores writer features.
    public static let knownWriterFeatures: Set<String> = [
        "appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns",
        "columnMapping", "identityColumns", "deletionVectors", "rowTracking", "timestampNtz",
        "domainMetadata", "v2Checkpoint", "icebergCompatV1", "icebergCompatV2", "clustering",
        "inCommitTimestamp", "typeWidening", "typeWidening-preview", "vacuumProtocolCheck",
        "variantType", "variantType-preview", "variantShredding-preview", "allowColumnDefaults",
    ]

    /// Throws ``DeltaError`` (`unsupportedFeature`, naming the feature) unless every reader
    /// requirement of `protocol` is supported.
    public static func checkReadable(_ proto: DeltaProtocol, table: String = "the table") throws {
        if proto.minReaderVersion > maxReaderVersion {
            // A reader version above 3 also makes any listed unknown feature worth naming.
            let unknown = (proto.readerFeatures ?? []).filter { !supportedReaderFeatures.contains($0) }
            throw DeltaError(.unsupportedFeature,
                "\(table) requires Delta reader protocol version \(proto.minReaderVersion); SwiftLake reads versions 1 to \(maxReaderVersion)"
                    + (unknown.isEmpty ? "" : " (and the unsupported reader feature(s) \(unknown.joined(separator: ", ")))")
                    + ". Read it with a newer Delta client.",
                feature: unknown.first ?? "readerVersion\(proto.minReaderVersion)")
        }
        if proto.minReaderVersion == 3 {
            for feature in proto.readerFeatures ?? [] where !supportedReaderFeatures.contains(feature) {
                throw DeltaError(.unsupportedFeature,
                    "\(table) uses the reader feature '\(feature)', which SwiftLake does not support; it reads "
                        + supportedReaderFeatures.sorted().joined(separator: ", ")
                        + ". Read this table with a client that supports '\(feature)' (or drop the feature from the table).",
                    feature: feature)
            }
        }
    }

    /// Whether the table has reader feature `name` (reader version 3 lists it; version 2 implies columnMapping).
    public static func hasReaderFeature(_ proto: DeltaProtocol, _ name: String) -> Bool {
        if proto.minReaderVersion == 2 && name == "columnMapping" { return true }
        return proto.readerFeatures?.contains(name) ?? false
    }

    /// Whether the table has writer feature `name`.
    public static func hasWriterFeature(_ proto: DeltaProtocol, _ name: String) -> Bool {
        proto.writerFeatures?.contains(name) ?? false
    }
}
