import Foundation

/// Builds the `commitInfo` action every commit of this library carries, in the shape Spark
/// writes (so `DESCRIBE HISTORY` and delta-rs's `history()` show it as they show Spark's):
///
/// ```json
/// {"commitInfo":{"timestamp":1700000000000,"operation":"WRITE",
///   "operationParameters":{"mode":"Append","partitionBy":"[]"},"readVersion":3,
///   "isolationLevel":"WriteSerializable","isBlindAppend":true,
///   "operationMetrics":{"numFiles":"1","numOutputRows":"10"},
///   "engineInfo":"SwiftLake","txnId":"…uuid…"}}
/// ```
///
/// Parameter and metric values are strings, as Spark writes them: a string stays as it is,
/// `null` stays `null`, and any other value is its JSON text (`["a"]` → `"[\"a\"]"`, `3` → `"3"`).
public struct CommitInfoBuilder: Sendable, Hashable {
    /// The operation, e.g. `WRITE`, `DELETE`, `CREATE TABLE`, `OPTIMIZE`.
    public var operation: String
    /// The operation's parameters (see the type's note on how values are written).
    public var operationParameters: [String: JSONValue]
    /// The operation's metrics, e.g. `numFiles`, `numOutputRows`, `numOutputBytes`.
    public var operationMetrics: [String: JSONValue]
    /// The version the transaction read; `nil` when it created the table.
    public var readVersion: Int64?
    /// The isolation level the commit was checked at.
    public var isolationLevel: IsolationLevel
    /// Whether the commit only adds files and read nothing.
    public var isBlindAppend: Bool
    /// The writer, e.g. `SwiftLake/0.1.0`.
    public var engineInfo: String
    /// A unique id of the transaction (the same on every attempt of one commit).
    public var txnId: String

    /// Creates a builder.
    public init(operation: String, operationParameters: [String: JSONValue] = [:],
                operationMetrics: [String: JSONValue] = [:], readVersion: Int64?,
                isolationLevel: IsolationLevel, isBlindAppend: Bool, engineInfo: String,
                txnId: String = UUID().uuidString.lowercased()) {
        self.operation = operation
        self.operationParameters = operationParameters
        self.operationMetrics = operationMetrics
        self.readVersion = readVersion
        self.isolationLevel = isolationLevel
        self.isBlindAppend = isBlindAppend
        self.engineInfo = engineInfo
        self.txnId = txnId
    }

    /// The `commitInfo` of a commit written at `timestamp` (milliseconds since the epoch).
    /// `operationMetrics` is left out when there are none.
    public func build(timestamp: Int64) -> CommitInfo {
        var fields: [String: JSONValue] = [
            "timestamp": .int(timestamp),
            "operation": .string(operation),
            "operationParameters": .object(operationParameters.mapValues(Self.sparkString)),
            "isolationLevel": .string(isolationLevel.rawValue),
            "isBlindAppend": .bool(isBlindAppend),
            "engineInfo": .string(engineInfo),
            "txnId": .string(txnId),
        ]
        if let readVersion { fields["readVersion"] = .int(readVersion) }
        if !operationMetrics.isEmpty { fields["operationMetrics"] = .object(operationMetrics.mapValues(Self.sparkString)) }
        return CommitInfo(fields: fields)
    }

    /// A parameter or metric value as Spark writes it: strings and `null` as they are,
    /// anything else as its JSON text.
    public static func sparkString(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string, .null: return value
        default: return .string(value.description)
        }
    }

    /// The current time in milliseconds since the epoch.
    public static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
