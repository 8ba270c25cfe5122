import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file a cached copy is, and as of which write: its inode and change time. A copy that
/// another process deleted and created again has another inode, or on a reused inode another
/// change time; a copy another process wrote ranges into has another change time. Either way
/// the ranges recorded for the old version are not trusted for it.
struct CopyVersion: Hashable, Sendable, CustomStringConvertible {
    var inode: UInt64
    var changedSeconds: Int64
    var changedNanoseconds: Int64

    init(_ status: stat) {
        inode = UInt64(status.st_ino)
        #if canImport(Darwin)
        let changed = status.st_ctimespec
        #else
        let changed = status.st_ctim
        #endif
        changedSeconds = Int64(changed.tv_sec)
        changedNanoseconds = Int64(changed.tv_nsec)
    }

    /// Parses the sidecar's spelling, `<inode> <seconds> <nanoseconds>`.
    init?(_ text: Substring) {
        let parts = text.split(separator: " ")
        guard parts.count == 3, let inode = UInt64(parts[0]), let seconds = Int64(parts[1]), let nanoseconds = Int64(parts[2]) else { return nil }
        (self.inode, changedSeconds, changedNanoseconds) = (inode, seconds, nanoseconds)
    }

    /// The sidecar's spelling.
    var description: String { "\(inode) \(changedSeconds) \(changedNanoseconds)" }
}
