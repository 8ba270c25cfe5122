import Foundation
import ObjectStore

/// The Parquet files of a directory (or an S3 prefix) to convert to Delta, with their Hive
/// partition values.
///
/// Files and directories whose names start with `_` or `.` are skipped (`_SUCCESS`,
/// `.crc` files, staging directories), as Spark skips them; so are files not ending in
/// `.parquet`. With partition columns every file must lie under exactly those `k=v/`
/// directories, in one order; without them, a `k=v/` directory is a 400 asking for them.
struct ParquetDirectoryListing {
    /// One data file.
    struct File {
        /// The path relative to the directory, as on disk.
        var relative: String
        /// The local file DuckDB reads (for S3, the cached copy).
        var absolute: String
        /// Partition column → unescaped value (nil: `__HIVE_DEFAULT_PARTITION__`).
        var partitionValues: [String: String?]
        var size: Int64
        /// Milliseconds since the epoch.
        var modificationTime: Int64
    }

    var files: [File]
    /// The partition columns in directory order.
    let partitionColumns: [String]

    /// Lists `directory` for partition columns named `partitionNames` (any order).
    init(directory: String, partitionNames: Set<String>) throws {
        let manager = FileManager.default
        var classifier = Classifier(partitionNames: partitionNames)
        guard let enumerator = manager.enumerator(atPath: directory) else {
            throw SwiftLakeError.notFound("directory_not_found", "'\(directory)' is not a directory to convert.")
        }
        while let next = enumerator.nextObject() as? String {
            let components = next.split(separator: "/").map(String.init)
            guard let name = components.last else { continue }
            if name.hasPrefix("_") || name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            let absolute = directory + "/" + next
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue,
                  name.lowercased().hasSuffix(".parquet") else { continue }
            let attributes = try manager.attributesOfItem(atPath: absolute)
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            let modified = (attributes[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970 * 1000) } ?? 0
            try classifier.add(relative: next, absolute: absolute, size: size, modificationTime: modified)
        }
        files = classifier.files.sorted { $0.relative < $1.relative }
        partitionColumns = classifier.order ?? partitionNames.sorted()
    }

    /// The Parquet objects of an S3 listing (paths relative to the table's prefix), with the
    /// same rules as a directory; `absolute` is left empty for the caller to fill with the
    /// local copy.
    init(objects: [ObjectMeta], partitionNames: Set<String>) throws {
        var classifier = Classifier(partitionNames: partitionNames)
        for object in objects {
            let components = object.path.split(separator: "/").map(String.init)
            guard let name = components.last, name.lowercased().hasSuffix(".parquet"),
                  !components.contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") }) else { continue }
            try classifier.add(relative: object.path, absolute: "", size: object.size, modificationTime: object.lastModifiedMillis)
        }
        files = classifier.files.sorted { $0.relative < $1.relative }
        partitionColumns = classifier.order ?? partitionNames.sorted()
    }

    /// Reads partition values from each file's directories and checks them against the
    /// partition columns and the other files'.
    private struct Classifier {
        let partitionNames: Set<String>
        var files: [File] = []
        var order: [String]?

        mutating func add(relative next: String, absolute: String, size: Int64, modificationTime: Int64) throws {
            let directories = next.split(separator: "/").map(String.init).dropLast()
            var values: [String: String?] = [:]
            var columns: [String] = []
            for part in directories {
                guard let equals = part.firstIndex(of: "=") else {
                    if partitionNames.isEmpty { continue }
                    throw SwiftLakeError.invalid("not_hive_partitioned",
                        "'\(next)' is in the directory '\(part)', which is not a partition directory (k=v); every file must lie under \(partitionNames.sorted().map { "\($0)=…/" }.joined()). Move it, or convert a directory holding only the table's files.")
                }
                let column = String(part[..<equals]).removingPercentEncoding ?? String(part[..<equals])
                let raw = String(part[part.index(after: equals)...])
                values[column] = raw == PartitionPath.nullDirectory ? nil : (raw.removingPercentEncoding ?? raw)
                columns.append(column)
            }
            if partitionNames.isEmpty, let first = columns.first {
                throw SwiftLakeError.invalid("partition_columns_needed",
                    "'\(next)' lies in a Hive partition directory (\(first)=…); name the partition columns and their types in 'partition_by', e.g. {\"\(first)\": \"string\"}.")
            }
            if !partitionNames.isEmpty {
                guard Set(columns) == partitionNames, columns.count == partitionNames.count else {
                    throw SwiftLakeError.invalid("partition_mismatch",
                        "'\(next)' lies under the partition directories [\(columns.joined(separator: ", "))], not [\(partitionNames.sorted().joined(separator: ", "))] as 'partition_by' says.")
                }
                if let order, order != columns {
                    throw SwiftLakeError.invalid("partition_mismatch",
                        "'\(next)' has its partition directories in the order [\(columns.joined(separator: ", "))], other files [\(order.joined(separator: ", "))]; a table has one order.")
                }
                order = columns
            }
            files.append(File(relative: next, absolute: absolute, partitionValues: values, size: size, modificationTime: modificationTime))
        }
    }
}
