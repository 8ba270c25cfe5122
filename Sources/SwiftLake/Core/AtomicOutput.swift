import Foundation

/// A file or directory written under a hidden temporary name beside its final path and
/// renamed into place only when complete, so readers never see half a file and a failure
/// leaves whatever was at the final path untouched.
struct AtomicOutput {
    /// Where the result ends up.
    let finalPath: String
    /// Where it is written first (same directory, so the rename is atomic).
    let stagingPath: String

    /// Prepares to write `finalPath`; refuses when it exists and `overwrite` is not set.
    init(finalPath: String, overwrite: Bool) throws {
        if FileManager.default.fileExists(atPath: finalPath), !overwrite {
            throw SwiftLakeError(.conflict, code: "output_exists",
                                 "'\(finalPath)' already exists. Choose another output or set \"overwrite\": true.")
        }
        let directory = (finalPath as NSString).deletingLastPathComponent
        let name = (finalPath as NSString).lastPathComponent
        self.finalPath = finalPath
        self.stagingPath = "\(directory)/.swiftlake-tmp-\(UUID().uuidString.prefix(8))-\(name)"
    }

    /// Moves the staged result into place. A file replacing a file is one atomic `rename(2)`;
    /// when a directory is involved on either side (a partitioned output, or an output that
    /// changes between file and directory), the old one is moved aside first and deleted only
    /// after the new one is in place, and put back if that fails.
    func commit() throws {
        let manager = FileManager.default
        let exists = manager.fileExists(atPath: finalPath)
        if exists && (manager.isDirectory(finalPath) || manager.isDirectory(stagingPath)) {
            let aside = stagingPath + ".old"
            try manager.moveItem(atPath: finalPath, toPath: aside)
            do {
                try manager.moveItem(atPath: stagingPath, toPath: finalPath)
            } catch {
                try? manager.moveItem(atPath: aside, toPath: finalPath)
                throw SwiftLakeError(.internal, code: "rename_failed", "Could not move the result into '\(finalPath)': \(error.localizedDescription).")
            }
            try? manager.removeItem(atPath: aside)
        } else if rename(stagingPath, finalPath) != 0 {
            let reason = String(cString: strerror(errno))
            throw SwiftLakeError(.internal, code: "rename_failed", "Could not move the result into '\(finalPath)': \(reason).")
        }
    }

    /// Removes the staged result after a failure.
    func discard() {
        try? FileManager.default.removeItem(atPath: stagingPath)
    }
}

extension FileManager {
    /// The size in bytes of a file, or of every file below a directory.
    func totalSize(atPath path: String) -> Int {
        var isDirectory: ObjCBool = false
        guard fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        if !isDirectory.boolValue {
            return ((try? attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        }
        let files = (try? subpathsOfDirectory(atPath: path)) ?? []
        return files.reduce(0) { $0 + (((try? attributesOfItem(atPath: path + "/" + $1))?[.size] as? NSNumber)?.intValue ?? 0) }
    }
}
