import ArgumentParser

/// How `modify` and `merge` write their output file.
struct WriteOptions: ParsableArguments {
    @Flag(help: "Replace the output if it exists (atomically).")
    var overwrite = false

    @Option(help: ArgumentHelp("Parquet codec: snappy, zstd, gzip, lz4, lz4_raw, brotli or uncompressed.", valueName: "CODEC"))
    var compression: String?

    @Option(help: ArgumentHelp("Rows per row group.", valueName: "N"))
    var rowGroupSize: Int?

    func validate() throws {
        if let rowGroupSize, rowGroupSize < 1 {
            throw ValidationError("--row-group-size must be at least 1; got \(rowGroupSize).")
        }
    }
}
