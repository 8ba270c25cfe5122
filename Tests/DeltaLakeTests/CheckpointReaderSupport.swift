import SwiftLake

/// One checkpoint reader for all tests: the production one, on an engine whose root is `/`
/// (the corpus and the tests' temporary copies may be anywhere).
let checkpointReader: DuckDBCheckpointReader = {
    let configuration = LakehouseConfiguration(roots: ["/"], queryTimeout: nil)
    return DuckDBCheckpointReader(engine: try! DuckDBEngine(configuration: configuration, roots: DataRoots(["/"])))
}()
