import DeltaLake

/// Which files OPTIMIZE rewrites together: Delta's bin packing.
///
/// Per partition, files smaller than the target size are candidates; sorted by size, they
/// fill bins in turn, a bin closing when the next file would take it past the target. Bins
/// of one file are dropped (rewriting a file alone gains nothing), so a partition with
/// fewer than two small files is left as it is.
struct CompactionPlan {
    /// Files of one partition to be rewritten as one.
    struct Bin {
        var partitionValues: [String: String?]
        var files: [AddFile]
        var bytes: Int64 { files.reduce(0) { $0 + $1.size } }
    }

    let bins: [Bin]

    /// The bins of `files` for `targetSize` bytes.
    init(files: [AddFile], targetSize: Int64) {
        var byPartition: [[String: String?]: [AddFile]] = [:]
        for file in files where file.size < targetSize {
            byPartition[file.partitionValues, default: []].append(file)
        }
        var bins: [Bin] = []
        // A stable order: partitions by their values, files by size then path.
        let partitions = byPartition.keys.sorted { Self.key($0) < Self.key($1) }
        for partition in partitions {
            let sorted = byPartition[partition]!.sorted { ($0.size, $0.path) < ($1.size, $1.path) }
            var current: [AddFile] = []
            var size: Int64 = 0
            for file in sorted {
                if !current.isEmpty && size + file.size > targetSize {
                    bins.append(Bin(partitionValues: partition, files: current))
                    current = []
                    size = 0
                }
                current.append(file)
                size += file.size
            }
            if !current.isEmpty { bins.append(Bin(partitionValues: partition, files: current)) }
        }
        self.bins = bins.filter { $0.files.count >= 2 }
    }

    /// All files of all bins.
    var files: [AddFile] { bins.flatMap(\.files) }

    private static func key(_ values: [String: String?]) -> String {
        values.keys.sorted().map { "\($0)=\(values[$0].flatMap { $0 } ?? "\u{0}")" }.joined(separator: "/")
    }
}
