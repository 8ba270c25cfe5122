/// A CONVERT TO DELTA request: a directory of Parquet files to make a Delta table in place.
public struct DeltaConvertRequest: Codable, Sendable {
    /// The directory holding the Parquet files (it becomes the table's location).
    public var path: String
    /// Hive partition columns (`k=v/` directories) and their Delta types, e.g.
    /// `{"event_date": "date"}`; none when absent.
    public var partitionBy: [String: String]?

    /// Creates a request.
    public init(path: String, partitionBy: [String: String]? = nil) {
        self.path = path
        self.partitionBy = partitionBy
    }

    enum CodingKeys: String, CodingKey {
        case path, partitionBy = "partition_by"
    }
}
