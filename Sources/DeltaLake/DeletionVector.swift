import ObjectStore

/// The deleted row indexes of one data file, loaded from its ``DeletionVectorDescriptor``
/// (PROTOCOL.md, "Deletion Vector Format": a RoaringBitmapArray of 64-bit row indexes,
/// stored inline or in a deletion vector file framed by size and CRC-32).
public struct DeletionVector: Sendable, Hashable {
    /// Deleted row indexes (0-based positions in the data file), ascending.
    public var deletedRows: [UInt64]

    /// Creates a deletion vector from row indexes.
    public init(deletedRows: [UInt64]) { self.deletedRows = deletedRows.sorted() }

    /// Loads the bitmap `descriptor` points to. `u` and `p` vectors are read from `store`
    /// (rooted at the table, whose location is `tableLocation`); `p` paths must lie under it.
    public static func load(_ descriptor: DeletionVectorDescriptor, store: any ObjectStore,
                            tableLocation: String) async throws -> DeletionVector {
        let bitmap: [UInt8]
        switch descriptor.storageType {
        case .inline:
            let bytes = try descriptor.inlineBytes() ?? []
            guard bytes.count >= Int(descriptor.sizeInBytes) else {
                throw DeltaError(.corruptLog, "inline deletion vector is \(bytes.count) bytes, its descriptor says \(descriptor.sizeInBytes)")
            }
            bitmap = Array(bytes.prefix(Int(descriptor.sizeInBytes)))
        case .uuidRelative, .absolutePath:
            var path = try descriptor.filePath() ?? ""
            if descriptor.storageType == .absolutePath {
                var root = tableLocation
                if !root.hasSuffix("/") { root += "/" }
                let candidates = [root, "file://" + root, "file:" + root]
                guard let prefix = candidates.first(where: { path.hasPrefix($0) }) else {
                    throw DeltaError(.unsupportedFeature,
                        "deletion vector file \(path) lies outside the table at \(tableLocation); SwiftLake reads deletion vectors stored under the table only",
                        feature: "deletionVectors")
                }
                path = String(path.dropFirst(prefix.count))
            }
            path = path.removingPercentEncoding ?? path
            let offset = Int64(descriptor.offset ?? 1)
            let size = Int64(descriptor.sizeInBytes)
            let framed: [UInt8]
            do {
                framed = try await store.get(path, range: offset..<(offset + 4 + size + 4))
            } catch let error as ObjectStoreError {
                throw DeltaError(.corruptLog, "deletion vector file \(path) cannot be read: \(error.message)", cause: error)
            }
            guard framed.count == Int(4 + size + 4) else {
                throw DeltaError(.corruptLog, "deletion vector file \(path) ends before offset \(offset) + \(size) bytes")
            }
            let declared = readBE32(framed, 0)
            guard declared == UInt32(size) else {
                throw DeltaError(.corruptLog, "deletion vector in \(path) at offset \(offset) declares \(declared) bytes, the log says \(size)")
            }
            bitmap = Array(framed[4..<Int(4 + size)])
            let crc = readBE32(framed, Int(4 + size))
            guard CRC32.checksum(bitmap) == crc else {
                throw DeltaError(.corruptLog, "deletion vector in \(path) at offset \(offset) fails its CRC-32 check; the file is damaged")
            }
        }
        let rows = try decodeRoaringBitmapArray(bitmap)
        guard rows.count == descriptor.cardinality else {
            throw DeltaError(.corruptLog, "deletion vector holds \(rows.count) rows, its descriptor says \(descriptor.cardinality)")
        }
        return DeletionVector(deletedRows: rows)
    }

    static func readBE32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    /// Decodes Delta's RoaringBitmapArray: magic 1681511377, a 64-bit count of 32-bit
    /// bitmaps, each with its high 32 bits as key, in the portable Roaring format.
    static func decodeRoaringBitmapArray(_ bytes: [UInt8]) throws -> [UInt64] {
        var reader = LittleEndianReader(bytes: bytes)
        let magic = try reader.u32()
        guard magic == 1_681_511_377 else {
            throw DeltaError(.corruptLog, "deletion vector has magic number \(magic), expected 1681511377 (RoaringBitmapArray)")
        }
        let count = try reader.u64()
        var rows: [UInt64] = []
        for _ in 0..<count {
            let high = UInt64(try reader.u32()) << 32
            for low in try decodePortableRoaring(&reader) { rows.append(high | UInt64(low)) }
        }
        return rows
    }

    static func decodePortableRoaring(_ reader: inout LittleEndianReader) throws -> [UInt32] {
        let cookie = try reader.u32()
        var containerCount: Int
        var runFlags: [UInt8] = []
        let hasRuns = cookie & 0xFFFF == 12347
        if hasRuns {
            containerCount = Int(cookie >> 16) + 1
            runFlags = try reader.bytes((containerCount + 7) / 8)
        } else if cookie == 12346 {
            containerCount = Int(try reader.u32())
        } else {
            throw DeltaError(.corruptLog, "deletion vector bitmap has an unknown Roaring cookie \(cookie)")
        }
        var keys: [UInt16] = [], cardinalities: [Int] = []
        for _ in 0..<containerCount {
            keys.append(try reader.u16())
            cardinalities.append(Int(try reader.u16()) + 1)
        }
        if !hasRuns || containerCount >= 4 { _ = try reader.bytes(4 * containerCount) }  // offsets
        var values: [UInt32] = []
        for i in 0..<containerCount {
            let high = UInt32(keys[i]) << 16
            let isRun = hasRuns && (runFlags[i / 8] >> (i % 8)) & 1 == 1
            if isRun {
                let runs = Int(try reader.u16())
                for _ in 0..<runs {
                    let start = UInt32(try reader.u16()), length = UInt32(try reader.u16())
                    for v in start...(start + length) { values.append(high | v) }
                }
            } else if cardinalities[i] <= 4096 {
                for _ in 0..<cardinalities[i] { values.append(high | UInt32(try reader.u16())) }
            } else {
                for word in 0..<1024 {
                    var bits = try reader.u64()
                    while bits != 0 {
                        let bit = UInt32(bits.trailingZeroBitCount)
                        values.append(high | UInt32(word * 64) | bit)
                        bits &= bits - 1
                    }
                }
            }
        }
        return values
    }
}

struct LittleEndianReader {
    let bytes: [UInt8]
    var index = 0

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        guard index + n <= bytes.count else { throw DeltaError(.corruptLog, "deletion vector bitmap is truncated") }
        defer { index += n }
        return Array(bytes[index..<(index + n)])
    }
    mutating func u16() throws -> UInt16 {
        let b = try bytes(2)
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }
    mutating func u32() throws -> UInt32 {
        let b = try bytes(4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }
    mutating func u64() throws -> UInt64 {
        UInt64(try u32()) | UInt64(try u32()) << 32
    }
}

/// CRC-32 (IEEE 802.3, as `java.util.zip.CRC32`), which frames deletion vectors in their files.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

import Foundation
