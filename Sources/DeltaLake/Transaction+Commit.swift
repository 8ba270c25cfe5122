import ObjectStore

/// The commit protocol: put-if-absent of the next commit file, conflict checks against the
/// winners of lost races, bounded retries.
extension Transaction {
    /// The `engineInfo` written when the caller gives none.
    public static let defaultEngineInfo = "SwiftLake"

    /// Commits the transaction (see the type's documentation for the protocol).
    ///
    /// - Parameters:
    ///   - metrics: `commitInfo.operationMetrics`, e.g. `["numFiles": .int(2), "numOutputRows": .int(1000)]`
    ///     (written as strings, as Spark does).
    ///   - engineInfo: `commitInfo.engineInfo`, e.g. `SwiftLake/0.1.0`.
    /// - Returns: the version written and the attempts it took, or ``CommitResult/skipped``
    ///   when an application transaction was already committed.
    /// - Throws: ``DeltaError`` — `conflict` (with ``DeltaError/conflict``) when a concurrent
    ///   commit conflicts, the table already exists, or every attempt lost its race;
    ///   `unsupportedFeature`/`invalidArgument` when the commit is refused before writing;
    ///   `storage` when the store fails.
    public func commit(metrics: [String: JSONValue] = [:], engineInfo: String = Transaction.defaultEngineInfo) async throws -> CommitResult {
        try validateActions()
        if let snapshot = readSnapshot {
            // The snapshot's table state was checked when the transaction started; recheck
            // what changes (an existing protocol is kept as the table's writers left it).
            try WriterFeatures.checkWritable(effectiveProtocol, metadata: effectiveMetadata, table: "the table at \(snapshot.location)")
            if newMetadata != nil || newProtocol != nil {
                try validateTableState(metadata: effectiveMetadata, protocol: effectiveProtocol, newProtocol: newProtocol != nil)
            }
            try await refuseCleanedUpReadVersion(snapshot)
            // Idempotency: an application version the table already has is not written again.
            for (appId, version) in appTransactions.sorted(by: { $0.key < $1.key }) {
                if let committed = snapshot.transactionVersion(appId: appId), committed >= version {
                    return CommitResult(version: snapshot.version, attempts: 0, skipped: true)
                }
            }
        } else {
            try validateTableState(metadata: effectiveMetadata, protocol: effectiveProtocol)
            try await refuseExistingTable()
        }

        let footprint = try footprint()
        let commitInfo = CommitInfoBuilder(
            operation: operation, operationParameters: operationParameters, operationMetrics: metrics,
            readVersion: readSnapshot?.version, isolationLevel: footprint.isolationLevel,
            isBlindAppend: isBlindAppend, engineInfo: engineInfo)

        var version = readVersion + 1
        var attempts = 0
        var concurrent: [Int64] = []
        while true {
            attempts += 1
            let bytes = Action.encodeLines(actions(commitInfo: commitInfo, timestamp: CommitInfoBuilder.now()))
            if try await putCommit(version: version, bytes) == .created {
                return CommitResult(version: version, attempts: attempts, concurrentVersions: concurrent)
            }
            // Lost the race: check every commit that won, from `version` to the latest.
            var lastWinner: WinningCommit?
            while let winner = try await readCommit(version) {
                if readSnapshot == nil {
                    throw conflictError(CommitConflict(kind: .tableAlreadyExists, winningVersion: winner.version,
                        winningOperation: winner.operation, detail: "another writer created the table first"))
                }
                if let conflict = ConflictChecker.conflict(of: footprint, with: winner) {
                    throw conflictError(conflict)
                }
                concurrent.append(version)
                lastWinner = winner
                version += 1
            }
            if attempts >= retryPolicy.maxAttempts {
                let winner = lastWinner.map { ($0.version, $0.operation) } ?? (version - 1, nil)
                throw conflictError(CommitConflict(kind: .retriesExhausted, winningVersion: winner.0, winningOperation: winner.1,
                    detail: "\(attempts) attempts each lost the race for a version to another writer (no conflict, but no retries left)"))
            }
            try await Task.sleep(for: retryPolicy.delay(afterAttempt: attempts))
        }
    }

    /// A `conflict` error whose message says what happened and how to fix it.
    func conflictError(_ conflict: CommitConflict) -> DeltaError {
        let ours = self.operation
        let what = readSnapshot.map { "the \(ours) transaction that read version \($0.version)" }
            ?? "creating the table (\(ours))"
        let fix: String
        switch conflict.kind {
        case .tableAlreadyExists:
            fix = "Write to the existing table instead, or choose another location."
        case .readVersionCleanedUp:
            fix = "Retry the operation from the latest version (nothing was committed)."
        case .retriesExhausted:
            fix = "Retry the operation (it is safe: nothing was committed), or raise RetryPolicy.maxAttempts when many writers share the table."
        default:
            fix = "Retry the operation: it will read the new version and redo its work on top of it."
        }
        let theirs = conflict.winningOperation.map { "'\($0)'" } ?? "(operation not recorded)"
        let against: String
        switch conflict.kind {
        case .tableAlreadyExists: against = "the table exists, its version \(conflict.winningVersion) written by operation \(theirs)"
        case .readVersionCleanedUp: against = "the log no longer has the version read"
        default: against = "with the concurrent commit at version \(conflict.winningVersion), operation \(theirs)"
        }
        return DeltaError(.conflict,
            "\(what) was not committed: \(conflict.kind.rawValue), \(against)"
                + (conflict.detail.map { " — \($0)" } ?? "") + ". " + fix,
            conflict: conflict)
    }

    /// Refuses to create a table where a log already exists.
    func refuseExistingTable() async throws {
        let existing: [LogFile]
        do { existing = try await LogSegment.listLog(store: table.store) } catch let error as DeltaError where error.kind == .notFound {
            existing = []
        }
        guard let latest = existing.max(by: { $0.version < $1.version }) else { return }
        let operation = latest.kind == .commit ? try await readCommit(latest.version)?.operation : nil
        throw conflictError(CommitConflict(kind: .tableAlreadyExists, winningVersion: latest.version, winningOperation: operation,
            detail: "\(table.builder.location) already holds a Delta table (latest log entry \(latest.meta.path))"))
    }

    /// Refuses to commit on a snapshot whose log files were cleaned up since it was read:
    /// the commits after it may be gone too, and a put-if-absent of the next version would
    /// then succeed below the table's real latest version, silently lost.
    func refuseCleanedUpReadVersion(_ snapshot: Snapshot) async throws {
        guard let path = snapshot.logSegment.commits.last?.meta.path ?? snapshot.logSegment.checkpointFiles.first?.meta.path else {
            return
        }
        let present: Bool
        do { present = try await table.store.head(path) != nil } catch let error as ObjectStoreError {
            throw DeltaError(.storage, "checking \(path) failed: \(error.message)", cause: error)
        }
        if !present {
            throw conflictError(CommitConflict(kind: .readVersionCleanedUp, winningVersion: snapshot.version, winningOperation: nil,
                detail: "\(path), from which version \(snapshot.version) was read, is no longer in the log (log cleanup removed it)"))
        }
    }

    /// Puts the commit file of `version` unless one exists.
    func putCommit(version: Int64, _ bytes: [UInt8]) async throws -> PutResult {
        let path = LogFile.commitPath(version)
        do { return try await table.store.putIfAbsent(path, bytes) } catch let error as ObjectStoreError {
            throw DeltaError(.storage, "writing the commit \(path) failed: \(error.message)", cause: error)
        }
    }

    /// The commit at `version`, or `nil` when there is none yet.
    func readCommit(_ version: Int64) async throws -> WinningCommit? {
        let path = LogFile.commitPath(version)
        let bytes: [UInt8]
        do { bytes = try await table.store.get(path) } catch let error as ObjectStoreError {
            if error.code == .notFound { return nil }
            throw DeltaError(.storage, "reading the concurrent commit \(path) failed: \(error.message)", cause: error)
        }
        return WinningCommit(version: version, actions: try Action.decodeLines(bytes, file: path))
    }
}
