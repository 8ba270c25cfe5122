import DeltaLake
import Foundation
import ObjectStore
import Testing
@testable import SwiftLake

@Suite("Deletion vector serialization")
struct DeletionVectorFormatTests {
    /// Row sets covering every container kind: arrays, bitmaps, runs, several containers with
    /// and without offsets, several 32-bit buckets.
    static let sets: [[UInt64]] = [
        [3, 4, 7, 11, 18, 29],
        Array(0..<5000),                                   // one run container
        Array(stride(from: 0, to: 20000, by: 2)),          // a bitmap container (10,000 values)
        [1, 70_000] + Array(140_000..<140_010),            // array, array, run
        [5, (1 << 32) | 7] + (0..<3).map { (3 << 32) | $0 }, // three 32-bit buckets
        (0..<6).flatMap { k in (UInt64(k) << 16)..<((UInt64(k) << 16) + 100) }, // six run containers: offsets present
        Array(0..<100) + [65_537, 65_541],                 // a run and an array: fewer than 4 containers, no offsets
    ]

    @Test("the vector of rows {0, 9} is byte for byte the file Spark wrote for them")
    func matchesSpark() throws {
        let spark = try [UInt8](Data(contentsOf: URL(fileURLWithPath: deltaCorpus + "/table-with-dv-small/deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin")))
        var file = DeletionVectorFile()
        let entry = file.append(rows: [9, 0, 9])
        #expect(file.bytes == spark)
        // Spark's descriptor: offset 1, 36 bytes, cardinality 2.
        #expect(entry == DeletionVectorFile.Entry(offset: 1, sizeInBytes: 36, cardinality: 2))
    }

    @Test("pyroaring decodes every container kind as written; CRC-32 and framing check out in zlib")
    func pyroaringDecodes() async throws {
        let dir = try TemporaryDirectory()
        var file = DeletionVectorFile()
        for rows in Self.sets { file.append(rows: rows) }
        let written = try await file.write(to: LocalStore(root: dir.path))
        #expect(written.descriptors.map(\.cardinality) == Self.sets.map { Int64(Set($0).count) })
        // Our reader gets the same rows back through the descriptors.
        for (descriptor, rows) in zip(written.descriptors, Self.sets) {
            let vector = try await DeletionVector.load(descriptor, store: LocalStore(root: dir.path), tableLocation: dir.path)
            #expect(vector.deletedRows == Set(rows).sorted())
        }
        let script = #"""
import json, struct, sys, zlib, pyroaring
data = open(sys.argv[1], "rb").read()
out = []
for offset in map(int, sys.argv[2:]):
    size = struct.unpack(">I", data[offset:offset + 4])[0]
    bitmap = data[offset + 4:offset + 4 + size]
    crc = struct.unpack(">I", data[offset + 4 + size:offset + 8 + size])[0]
    out.append({"magic": struct.unpack("<I", bitmap[:4])[0], "crc": crc == zlib.crc32(bitmap),
                "rows": sorted(pyroaring.BitMap64.deserialize(bitmap[4:]))})
print(json.dumps({"version": data[0], "vectors": out}))
"""#
        let path = dir.path + "/" + written.path
        guard let output = try await runPythonOracle(script, [path] + file.entries.map { String($0.offset) }) else { return }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(json["version"] as? Int == 1)
        let vectors = try #require(json["vectors"] as? [[String: Any]])
        #expect(vectors.count == Self.sets.count)
        for (vector, rows) in zip(vectors, Self.sets) {
            #expect(vector["magic"] as? Int == 1_681_511_377)
            #expect(vector["crc"] as? Bool == true)
            #expect((vector["rows"] as? [NSNumber])?.map(\.uint64Value) == Set(rows).sorted())
        }
    }

    @Test("an inline vector and a u descriptor's UUID decode independently")
    func inlineAndUUID() async throws {
        let inline = DeletionVectorDescriptor.inline(rows: [3, 4, 7, 11, 18, 29])
        #expect(inline.storageType == .inline && inline.offset == nil && inline.cardinality == 6)
        let vector = try await DeletionVector.load(inline, store: LocalStore(root: "/tmp"), tableLocation: "/tmp")
        #expect(vector.deletedRows == [3, 4, 7, 11, 18, 29])

        let uuid = UUID(uuidString: "d2c639aa-8816-431a-aaf6-d3fe2512ff61")!
        let descriptor = DeletionVectorDescriptor.onDisk(uuid: uuid, prefix: "ab", offset: 4, sizeInBytes: 40, cardinality: 6)
        // PROTOCOL.md's example: this UUID with prefix "ab" is "ab^-aqEH.-t@S}K{vb[*k^".
        #expect(descriptor.pathOrInlineDv == "ab^-aqEH.-t@S}K{vb[*k^")
        #expect(try descriptor.filePath() == "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin")

        let script = #"""
import sys, uuid, pyroaring
Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
def z85(text):
    out = b""
    for i in range(0, len(text), 5):
        v = 0
        for c in text[i:i + 5]: v = v * 85 + Z85.index(c)
        out += v.to_bytes(4, "big")
    return out
bitmap = z85(sys.argv[1])[:int(sys.argv[2])]
print(sorted(pyroaring.BitMap64.deserialize(bitmap[4:])), str(uuid.UUID(bytes=z85(sys.argv[3][-20:]))))
"""#
        guard let output = try await runPythonOracle(script, [inline.pathOrInlineDv, String(inline.sizeInBytes), descriptor.pathOrInlineDv]) else { return }
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "[3, 4, 7, 11, 18, 29] d2c639aa-8816-431a-aaf6-d3fe2512ff61")
    }
}
