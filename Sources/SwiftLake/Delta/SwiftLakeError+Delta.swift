import DeltaLake

extension SwiftLakeError {
    /// A DeltaLake error as a SwiftLake error: no such table or version → `notFound` (with
    /// the readable range), unsupported features and damaged logs → `unprocessable`, bad
    /// arguments and non-tables → `invalidRequest`, lost commit races → `conflict`.
    init(_ error: DeltaError) {
        var message = error.message
        if let range = error.availableVersions, !message.contains("\(range.lowerBound)") || !message.contains("\(range.upperBound)") {
            message += " (readable versions: \(range.lowerBound)–\(range.upperBound))"
        }
        switch error.kind {
        case .notFound: self.init(.notFound, code: "delta_not_found", message)
        case .unsupportedFeature:
            self.init(.unprocessable, code: "unsupported_feature",
                      error.feature.map { message.contains($0) ? message : "\(message) (feature: \($0))" } ?? message)
        case .invalidArgument: self.init(.invalidRequest, code: "invalid_argument", message)
        case .conflict: self.init(.conflict, code: "commit_conflict", message)
        case .invalidTable: self.init(.invalidRequest, code: "invalid_delta_table", message)
        case .corruptLog: self.init(.unprocessable, code: "corrupt_delta_log", message)
        default: self.init(.unprocessable, code: "delta_storage", message)
        }
    }

    /// Runs `body`, turning DeltaLake errors into SwiftLake errors.
    static func mappingDelta<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as DeltaError { throw SwiftLakeError(error) }
    }
}
