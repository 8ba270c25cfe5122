import Foundation

#if canImport(Glibc)
import Glibc
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Glibc.write(fd, buffer, count) }
#elseif canImport(Darwin)
import Darwin
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Darwin.write(fd, buffer, count) }
#endif

/// Unbuffered writes to stdout with `write(2)`, so each result batch reaches the reader as
/// soon as it is encoded and nothing is held back in a stdio buffer at exit.
enum StandardOutput {
    /// Writes `bytes` whole; throws ``OutputClosed`` when the reader has gone away.
    static func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            try writeAll(fileDescriptor: STDOUT_FILENO, buffer)
        }
    }

    /// Writes `text` as UTF-8.
    static func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    static func writeAll(fileDescriptor: Int32, _ buffer: UnsafeRawBufferPointer) throws {
        guard var pointer = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let written = systemWrite(fileDescriptor, pointer, remaining)
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == EPIPE { throw OutputClosed() }
                throw CLIError("Could not write the output: \(String(cString: strerror(errno))).", status: .failure)
            }
            pointer += written
            remaining -= written
        }
    }
}

/// Writes to stderr, ignoring failures (there is nowhere left to report them).
enum StandardError {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            try? StandardOutput.writeAll(fileDescriptor: STDERR_FILENO, buffer)
        }
    }
}

/// Facts about the terminal the process talks to.
enum Terminal {
    /// Whether stdout is a terminal (a person is reading), not a pipe or a file.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// Whether stderr is a terminal that understands `\r` and ANSI line clearing.
    static var stderrIsInteractive: Bool {
        isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// The width in columns of the terminal on `fileDescriptor`, or `nil` when it is not one.
    static func columns(of fileDescriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0,
               isatty(fileDescriptor) != 0 {
                return columns
            }
            return nil
        }
        return Int(size.ws_col)
    }
}
