// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftLake",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DuckDB", targets: ["DuckDB"]),
        .library(name: "ObjectStore", targets: ["ObjectStore"]),
        .library(name: "DeltaLake", targets: ["DeltaLake"]),
        .library(name: "SwiftLake", targets: ["SwiftLake"]),
        .library(name: "SwiftLakeServer", targets: ["SwiftLakeServer"]),
        .executable(name: "swiftlake", targets: ["swiftlake"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    ],
    targets: [
        // libduckdb, found through pkg-config (scripts/setup-duckdb.sh builds and caches it).
        .systemLibrary(
            name: "CDuckDB",
            pkgConfig: "duckdb",
            providers: [.brew(["duckdb"])]
        ),
        .target(
            name: "DuckDB",
            dependencies: ["CDuckDB"],
            exclude: ["README.md"]
        ),
        .target(
            name: "ObjectStore",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["README.md"]
        ),
        .target(name: "DeltaLake", dependencies: ["ObjectStore"], exclude: ["README.md"]),
        .target(
            name: "SwiftLake",
            dependencies: [
                "DuckDB",
                "DeltaLake",
                "ObjectStore",
                "SparkConnect",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "SwiftLakeServer",
            dependencies: [
                "SwiftLake",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["README.md"],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "swiftlake",
            dependencies: [
                "DuckDB",
                "SwiftLake",
                "SwiftLakeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["README.md"]
        ),
        // A Spark Connect client; Generated/ comes from scripts/generate-spark-connect.sh.
        .target(
            name: "SparkConnect",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(name: "swiftlake-bench", dependencies: ["DeltaLake", "SwiftLake", "ObjectStore"], path: "bench/Sources/swiftlake-bench"),
        .executableTarget(name: "swiftlake-spark-bench", dependencies: ["SparkConnect"], path: "bench/Sources/swiftlake-spark-bench"),
        .testTarget(name: "DuckDBTests", dependencies: ["DuckDB"]),
        .testTarget(name: "SparkConnectTests", dependencies: ["SparkConnect", "DeltaOracle", "TestProcess"]),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "TestProcess"]),
        // delta_rs_oracle.py: the delta-rs oracle, run by the tests through python3.
        .testTarget(name: "DeltaLakeTests", dependencies: ["DeltaLake", "ObjectStore", "DuckDB", "SwiftLake", "TestProcess"],
                    exclude: ["delta_rs_oracle.py"]),
        // The delta-rs rows oracle (delta_rows_oracle.py run by python3), shared by the test targets.
        .target(name: "DeltaOracle", dependencies: ["TestProcess"], path: "Tests/DeltaOracle", exclude: ["delta_rows_oracle.py"]),
        // Child processes (python oracles, servers, the CLI) run to their end off Swift's cooperative threads.
        .target(name: "TestProcess", path: "Tests/TestProcess"),
        .testTarget(name: "SwiftLakeTests", dependencies: ["SwiftLake", "DuckDB", "DeltaLake", "DeltaOracle", "TestProcess"]),
        // Runs the built `swiftlake` executable as a user would.
        .testTarget(name: "SwiftLakeCLITests", dependencies: ["swiftlake", "TestProcess"]),
        .testTarget(
            name: "SwiftLakeServerTests",
            dependencies: [
                "SwiftLakeServer",
                "SwiftLake",
                "ObjectStore",
                "DeltaOracle",
                "TestProcess",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ]
)
