import Foundation
import Testing

/// A tiny S3 stand-in on 127.0.0.1 that misbehaves on purpose, for what moto never does:
/// throttling, 5xx, conditional-write conflicts, a lost reply to a successful commit,
/// a wrong region, denied access. The first path segment after the bucket picks the act:
///
/// - `slowdown/…`: two 503 SlowDown, then 200 with body `ok`.
/// - `conflict/…`: PUT: 409 ConditionalRequestConflict, then 412; GET: `theirs`.
/// - `lostreply/…`: PUT: stores the body but answers 500, then 412; GET: the stored body.
/// - `region/…`: 400 AuthorizationHeaderMalformed naming eu-west-1.
/// - `denied/…`: 403 AccessDenied.
///
/// Runs `python3` (standard library only); `nil` (with a printed reason) when it cannot start.
final class FaultyS3Server: @unchecked Sendable {
    let process: Process
    let input: Pipe
    let endpoint: String

    static let script = #"""
import http.server, os, signal, sys, threading
# The test process may have SIGTERM blocked, and children inherit that: unblock it, and
# also exit when the test closes our stdin (or dies), so no server outlives its test.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
counts, stored, lock = {}, {}, threading.Lock()
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def error(self, status, code, extra=""):
        self.reply(status, f"<Error><Code>{code}</Code><Message>{code}</Message>{extra}</Error>".encode())
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = self.path.split("?")[0].split("/")
        key = "/".join(parts[2:])
        act = parts[2] if len(parts) > 2 else ""
        with lock:
            n = counts.get((self.command, key), 0) + 1
            counts[(self.command, key)] = n
        if act == "slowdown":
            return self.error(503, "SlowDown") if n <= 2 else self.reply(200, b"ok")
        if act == "conflict":
            if self.command == "PUT": return self.error(409, "ConditionalRequestConflict") if n == 1 else self.error(412, "PreconditionFailed")
            return self.reply(200, b"theirs")
        if act == "lostreply":
            if self.command == "PUT":
                if n == 1:
                    stored[key] = body
                    return self.error(500, "InternalError")
                return self.error(412, "PreconditionFailed")
            return self.reply(200, stored.get(key, b""))
        if act == "region":
            return self.error(400, "AuthorizationHeaderMalformed", "<Region>eu-west-1</Region>")
        if act == "denied":
            return self.error(403, "AccessDenied")
        return self.error(404, "NoSuchKey")
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#

    private init(process: Process, input: Pipe, endpoint: String) {
        self.process = process
        self.input = input
        self.endpoint = endpoint
    }

    /// Starts the server and waits (on a thread of its own, not a Swift concurrency thread)
    /// for it to print its port.
    static func start() async throws -> FaultyS3Server? {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try startBlocking() }) }.start()
        }
    }

    private static func startBlocking() throws -> FaultyS3Server? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["SWIFTLAKE_PYTHON"] ?? "python3", "-c", script]
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        do {
            try process.run()
        } catch {
            print("skipping faulty-server test: python3 cannot run (\(error))")
            return nil
        }
        var line = [UInt8]()
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            Issue.record("the faulty S3 server did not print its port")
            return nil
        }
        return FaultyS3Server(process: process, input: input, endpoint: "http://127.0.0.1:\(port)")
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }
}
