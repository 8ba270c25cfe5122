import Foundation

extension S3FileCache {
    /// Makes the copy `name` of the Parquet `object` hold its footer and the chunks of
    /// `columns` (top-level names, case-insensitive): the last 8 bytes give the footer's
    /// length, the footer gives the chunks' byte ranges. Anything that is not a readable
    /// plain Parquet footer (an encrypted footer, a bloom filter without length, chunks in
    /// other files) is fetched whole. Whether this call fetched anything.
    func ensureParquet(columns: Set<String>, of object: S3CachedObject, size: Int64, name: String) async throws -> Bool {
        let whole = ByteRanges([0..<size])
        let trailerLength = ParquetFooter.trailerLength
        guard size >= 4 + trailerLength else { return try await ensure(whole, of: object, size: size, name: name) }
        let trailer = size - trailerLength..<size
        var fetched = try await ensure(ByteRanges([trailer]), of: object, size: size, name: name)
        guard let footerLength = ParquetFooter.footerLength(trailer: try readLocal(name, range: trailer)),
              footerLength > 0, footerLength <= size - 4 - trailerLength else {
            return try await ensure(whole, of: object, size: size, name: name) || fetched
        }
        let footerRange = trailer.lowerBound - footerLength..<trailer.lowerBound
        fetched = try await ensure(ByteRanges([footerRange]), of: object, size: size, name: name) || fetched
        var wanted: ByteRanges
        do {
            let footer = try ParquetFooter(fileMetaData: try readLocal(name, range: footerRange))
            wanted = footer.ranges(ofColumns: columns)
        } catch is ThriftCompactReader.Malformed {
            wanted = whole
        }
        wanted.insert(footerRange.lowerBound..<size)
        return try await ensure(wanted, of: object, size: size, name: name) || fetched
    }
}
