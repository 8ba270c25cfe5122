import Foundation

/// The AWS shared files, `~/.aws/credentials` and `~/.aws/config`, parsed into profiles,
/// found as the AWS CLI and SDKs find them:
///
/// - `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`): sections `[name]`.
/// - `AWS_CONFIG_FILE` (default `~/.aws/config`): sections `[default]` and `[profile name]`.
/// - `AWS_PROFILE` (or `AWS_DEFAULT_PROFILE`) picks the profile, `default` otherwise.
///
/// Keys are lowercased; `#` and `;` start comments; an indented line under `key =` is a
/// nested setting, kept as `key.nested` (e.g. `s3.addressing_style`). A setting in the
/// credentials file wins over the same setting in the config file.
public struct AWSProfileFiles: Sendable {
    /// The profile in use.
    public var profile: String
    /// The credentials file path (it need not exist).
    public var credentialsFile: String
    /// The config file path (it need not exist).
    public var configFile: String

    /// Locates the files and the profile from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        func expand(_ path: String) -> String {
            path.hasPrefix("~/") ? home + path.dropFirst(1) : path
        }
        profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_DEFAULT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        credentialsFile = expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
        configFile = expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config")
    }

    /// Uses the given files and profile.
    public init(profile: String, credentialsFile: String, configFile: String) {
        self.profile = profile
        self.credentialsFile = credentialsFile
        self.configFile = configFile
    }

    /// The settings of ``profile``: the config file's, overridden by the credentials file's.
    /// Empty when neither file has the profile.
    public func settings() throws -> [String: String] {
        var merged: [String: String] = [:]
        if let config = try Self.parse(file: configFile) {
            let section = profile == "default" ? (config["default"] ?? config["profile default"]) : config["profile \(profile)"]
            merged.merge(section ?? [:]) { _, new in new }
        }
        if let credentials = try Self.parse(file: credentialsFile) {
            merged.merge(credentials[profile] ?? [:]) { _, new in new }
        }
        return merged
    }

    /// Whether either file has a section for ``profile``.
    public func hasProfile() throws -> Bool {
        let config = try Self.parse(file: configFile) ?? [:]
        let credentials = try Self.parse(file: credentialsFile) ?? [:]
        return credentials[profile] != nil || config["profile \(profile)"] != nil
            || (profile == "default" && config["default"] != nil)
    }

    /// Sections of an INI-style AWS file (section name → key → value), `nil` when the file
    /// does not exist.
    static func parse(file: String) throws -> [String: [String: String]]? {
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ObjectStoreError(code: .permissionDenied,
                message: "cannot read the AWS file \(file): \(error.localizedDescription); fix its permissions or point AWS_SHARED_CREDENTIALS_FILE/AWS_CONFIG_FILE elsewhere",
                cause: error)
        }
        return parse(text: text)
    }

    /// Sections of INI-style AWS file text.
    static func parse(text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var parentKey: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let indented = rawLine.first == " " || rawLine.first == "\t"
            var line = Substring(rawLine).trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { current = nil; continue }
                let name = line[line.index(after: line.startIndex)..<close]
                    .split(whereSeparator: \.isWhitespace).joined(separator: " ")
                current = name
                parentKey = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            // Inline comments need a space before the marker, as in the AWS CLI.
            for marker in [" #", " ;"] {
                if let range = line.range(of: marker) { line = String(line[..<range.lowerBound]) }
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if indented, let parent = parentKey {
                sections[section]?["\(parent).\(key)"] = value
            } else {
                sections[section]?[key] = value
                parentKey = value.isEmpty ? key : nil
            }
        }
        return sections
    }
}
