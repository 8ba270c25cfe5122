import Foundation
import SwiftLake

extension ServerOptions {
    /// Checks the options before anything binds: a port in range, a positive body limit, and a
    /// bearer token whenever the address is reachable from other machines.
    public func validate() throws {
        guard (0...65535).contains(port) else {
            throw SwiftLakeError(.invalidRequest, code: "invalid_port", "Port \(port) is out of range; use 1-65535 (or 0 for any free port).")
        }
        guard maxBodyBytes > 0 else {
            throw SwiftLakeError(.invalidRequest, code: "invalid_body_limit", "The request body limit must be positive; got \(maxBodyBytes).")
        }
        if let authToken, authToken.trimmingCharacters(in: .whitespaces).isEmpty {
            throw SwiftLakeError(.invalidRequest, code: "empty_auth_token", "The auth token is empty. Give a non-empty token, or none.")
        }
        if !Self.isLoopback(host) && authToken == nil {
            throw SwiftLakeError(
                .invalidRequest, code: "auth_token_required",
                "Refusing to listen on '\(host)' without an auth token: anyone who can reach it could read and change the data. Give an auth token (clients then send 'Authorization: Bearer <token>'), or listen on 127.0.0.1.")
        }
    }

    /// Whether `host` is a loopback address or name (`localhost`, `127.0.0.0/8`, `::1`).
    public static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" || name == "ip6-localhost" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { UInt8($0) != nil }
    }
}
