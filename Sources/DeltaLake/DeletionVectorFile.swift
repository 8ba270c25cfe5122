import Foundation
import ObjectStore

/// A deletion vector file as Delta writes it (PROTOCOL.md, "Deletion Vector Files"): the
/// format version byte 1, then for each deletion vector its bitmap's size (4 bytes,
/// big-endian), the ``RoaringBitmapArray`` bitmap, and the CRC-32 of the bitmap (4 bytes,
/// big-endian). Several data files' vectors share one file, each at its own offset.
public struct DeletionVectorFile: Sendable {
    /// The format version written as the file's first byte.
    public static let formatVersion: UInt8 = 1

    /// Where one vector lies in the file.
    public struct Entry: Sendable, Hashable {
        /// Byte offset of the vector's size field (what a descriptor's `offset` holds).
        public var offset: Int32
        /// Size of the serialized bitmap in bytes.
        public var sizeInBytes: Int32
        /// How many rows the vector deletes.
        public var cardinality: Int64

        /// Creates an entry.
        public init(offset: Int32, sizeInBytes: Int32, cardinality: Int64) {
            self.offset = offset
            self.sizeInBytes = sizeInBytes
            self.cardinality = cardinality
        }
    }

    /// The file's bytes.
    public private(set) var bytes: [UInt8] = [formatVersion]
    /// The vectors in the file, in the order they were appended.
    public private(set) var entries: [Entry] = []

    /// An empty file (just the format version).
    public init() {}

    /// Appends the vector deleting `rows` (row indexes of one data file; order and
    /// duplicates do not matter) and returns where it lies.
    @discardableResult
    public mutating func append(rows: [UInt64]) -> Entry {
        let bitmap = RoaringBitmapArray.serialize(rows)
        let entry = Entry(offset: Int32(bytes.count), sizeInBytes: Int32(bitmap.count), cardinality: Int64(Set(rows).count))
        Self.appendBE32(&bytes, UInt32(bitmap.count))
        bytes += bitmap
        Self.appendBE32(&bytes, CRC32.checksum(bitmap))
        entries.append(entry)
        return entry
    }

    /// Writes the file to `store` (rooted at the table) as
    /// `[prefix/]deletion_vector_<uuid>.bin` under a new random UUID and returns one `u`
    /// descriptor per appended vector, in order.
    public func write(to store: any ObjectStore, prefix: String = "") async throws -> (path: String, descriptors: [DeletionVectorDescriptor]) {
        let uuid = UUID()
        let descriptors = entries.map {
            DeletionVectorDescriptor.onDisk(uuid: uuid, prefix: prefix, offset: $0.offset, sizeInBytes: $0.sizeInBytes, cardinality: $0.cardinality)
        }
        let path = try descriptors.first?.filePath()
            ?? (prefix.isEmpty ? "" : prefix + "/") + "deletion_vector_\(uuid.uuidString.lowercased()).bin"
        do {
            try await store.put(path, bytes)
        } catch let error as ObjectStoreError {
            throw DeltaError(.storage, "the deletion vector file \(path) cannot be written: \(error.message)", cause: error)
        }
        return (path, descriptors)
    }

    static func appendBE32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
