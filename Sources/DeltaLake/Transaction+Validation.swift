/// The checks that run before anything is written: a commit that would break the table,
/// or that this library cannot make correctly, is refused whole.
extension Transaction {
    /// Checks that `metadata` and `proto` describe a table this library can read and write.
    /// The shape of the protocol (feature lists at the right versions) is checked only when
    /// `newProtocol`: a table's existing protocol is taken as its writers left it.
    func validateTableState(metadata: Metadata, protocol proto: DeltaProtocol, newProtocol: Bool = true) throws {
        let table = "the table at \(self.table.builder.location)"
        if newProtocol { try validateShape(of: proto) }
        try TableFeatures.checkReadable(proto, table: table)
        try WriterFeatures.checkWritable(proto, metadata: metadata, table: table)
        try validate(metadata)
    }

    /// Checks that a protocol we write lists features exactly at the versions that have them.
    func validateShape(of proto: DeltaProtocol) throws {
        if proto.minReaderVersion < 1 {
            throw DeltaError(.invalidArgument, "minReaderVersion \(proto.minReaderVersion) is not a Delta reader version; use 1, 2 or 3")
        }
        if (proto.minReaderVersion == 3) != (proto.readerFeatures != nil) {
            throw DeltaError(.invalidArgument,
                "a protocol lists readerFeatures exactly when minReaderVersion is 3 (got reader version \(proto.minReaderVersion), readerFeatures \(proto.readerFeatures.map { "\($0)" } ?? "absent"))")
        }
        if (proto.minWriterVersion == 7) != (proto.writerFeatures != nil) {
            throw DeltaError(.invalidArgument,
                "a protocol lists writerFeatures exactly when minWriterVersion is 7 (got writer version \(proto.minWriterVersion), writerFeatures \(proto.writerFeatures.map { "\($0)" } ?? "absent"))")
        }
        if proto.minWriterVersion == 7, let readerFeatures = proto.readerFeatures,
           let missing = readerFeatures.first(where: { !(proto.writerFeatures ?? []).contains($0) }) {
            throw DeltaError(.invalidArgument, "the reader feature '\(missing)' must also be listed in writerFeatures")
        }
    }

    /// Checks that metadata we write is usable: Parquet, an id, a schema, partition columns
    /// that are distinct primitive columns of it.
    func validate(_ metadata: Metadata) throws {
        if metadata.formatProvider != "parquet" {
            throw DeltaError(.invalidArgument, "Delta data files are Parquet; the format provider '\(metadata.formatProvider)' is not allowed")
        }
        if metadata.id.isEmpty { throw DeltaError(.invalidArgument, "the table metadata needs an id (a UUID)") }
        guard !metadata.schemaString.isEmpty else {
            throw DeltaError(.invalidArgument, "the table metadata needs a schema (schemaString is empty)")
        }
        let schema: DeltaSchema
        do { schema = try metadata.schema() } catch let error as DeltaError {
            throw DeltaError(.invalidArgument, "the table schema is not valid Delta schema JSON: \(error.message)")
        }
        var seen: Set<String> = []
        for column in metadata.partitionColumns {
            guard seen.insert(column).inserted else {
                throw DeltaError(.invalidArgument, "the partition column '\(column)' is listed twice")
            }
            guard let field = schema.field(named: column) else {
                throw DeltaError(.invalidArgument,
                    "the partition column '\(column)' is not a column of the schema (\(schema.fields.map(\.name).joined(separator: ", ")))")
            }
            guard case .primitive = field.type else {
                throw DeltaError(.invalidArgument, "the partition column '\(column)' has the nested type \(field.type); partition columns must be primitive")
            }
        }
    }

    /// Checks the file and application actions against the table they go into.
    func validateActions() throws {
        let metadata = effectiveMetadata
        if readSnapshot == nil, !removedFiles.isEmpty {
            throw DeltaError(.invalidArgument, "a transaction that creates the table cannot remove files (there are none yet)")
        }
        for m in [readSnapshot?.metadata, newMetadata].compactMap({ $0 })
        where m.configuration["delta.appendOnly"]?.lowercased() == "true" {
            if let remove = removedFiles.first(where: \.dataChange) {
                throw DeltaError(.invalidArgument,
                    "the table is append-only (delta.appendOnly = true), so files cannot be removed with dataChange: true (\(remove.path)); "
                        + "only rearrangements that change no rows (dataChange: false) are allowed. Unset delta.appendOnly first to delete or update data.")
            }
        }
        let partitionColumns = Set(metadata.partitionColumns)
        var addedKeys: Set<FileKey> = []
        for add in addedFiles {
            if add.path.isEmpty { throw DeltaError(.invalidArgument, "an added file has an empty path") }
            if add.size < 0 { throw DeltaError(.invalidArgument, "the added file \(add.path) has a negative size \(add.size)") }
            guard addedKeys.insert(add.key).inserted else {
                throw DeltaError(.invalidArgument, "the file \(add.key) is added twice in one commit")
            }
            let keys = Set(add.partitionValues.keys)
            if keys != partitionColumns {
                throw DeltaError(.invalidArgument,
                    "the added file \(add.path) has partition values for [\(keys.sorted().joined(separator: ", "))] but the table is partitioned by [\(metadata.partitionColumns.joined(separator: ", "))]; give a value (or null) for each partition column and no other")
            }
            if add.deletionVector != nil {
                try validateDeletionVector(of: add)
            }
        }
        var removedKeys: Set<FileKey> = []
        for remove in removedFiles {
            guard removedKeys.insert(remove.key).inserted else {
                throw DeltaError(.invalidArgument, "the file \(remove.key) is removed twice in one commit")
            }
        }
        for appId in appTransactions.keys where appId.isEmpty {
            throw DeltaError(.invalidArgument, "an application transaction needs a non-empty appId")
        }
    }

    /// An added file may carry a deletion vector only on a table with the `deletionVectors`
    /// reader and writer feature, and only with `numRecords` in its statistics (PROTOCOL.md,
    /// "Writer Requirement for Deletion Vectors"); a vector deleting no rows is pointless.
    func validateDeletionVector(of add: AddFile) throws {
        let proto = effectiveProtocol
        guard proto.writerFeatures?.contains("deletionVectors") == true, proto.readerFeatures?.contains("deletionVectors") == true else {
            throw DeltaError(.invalidArgument,
                "the added file \(add.path) has a deletion vector, but the table does not have the 'deletionVectors' reader and writer feature; enable it with the table property delta.enableDeletionVectors = true")
        }
        guard let vector = add.deletionVector, vector.cardinality > 0 else {
            throw DeltaError(.invalidArgument, "the added file \(add.path) has a deletion vector that deletes no rows; add the file without one")
        }
        let stats = add.stats ?? add.statsParsed?.description
        guard let stats, let numRecords = (try? JSONValue.parse(stats))?["numRecords"]?.int64Value else {
            throw DeltaError(.invalidArgument,
                "the added file \(add.path) has a deletion vector but no numRecords in its statistics; a file with a deletion vector must record its physical row count")
        }
        if vector.cardinality > numRecords {
            throw DeltaError(.invalidArgument,
                "the deletion vector of \(add.path) deletes \(vector.cardinality) rows, more than the file's \(numRecords)")
        }
    }
}
