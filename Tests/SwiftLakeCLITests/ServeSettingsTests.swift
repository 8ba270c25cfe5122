import Foundation
import Testing
@testable import swiftlake

/// Resolution of `serve`'s settings: flags over environment over config file over defaults.
@Suite("serve settings")
struct ServeSettingsTests {
    typealias Layer = ServeSettings.Layer

    /// Resolves with `files` as the only readable files.
    func resolve(_ flags: Layer = Layer(), env: [String: String] = [:], files: [String: String] = [:]) throws -> ServeSettings {
        try ServeSettings.resolve(flags: flags, environment: env) { path in
            guard let text = files[path] else { throw CLIError("no file \(path)", status: .notFound) }
            return text
        }
    }

    @Test("defaults when nothing is given")
    func defaults() throws {
        let settings = try resolve()
        #expect(settings == ServeSettings())
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8000)
        #expect(settings.roots == ["."])
        #expect(settings.token == nil)
        #expect(settings.maxRows == 1_000_000)
        #expect(settings.defaultLimit == 1000)
        #expect(settings.queryTimeout == 300)
        #expect(settings.baseURL == "http://127.0.0.1:8000")
    }

    @Test("flags beat the environment, which beats the config file, which beats the defaults")
    func precedence() throws {
        let file = """
            port: 7000
            max_rows: 50
            default_limit: 5
            threads: 2
            memory_limit: 1GB
            """
        let env = ["SWIFTLAKE_CONFIG": "/etc/lake.yaml", "SWIFTLAKE_PORT": "7001", "SWIFTLAKE_MAX_ROWS": "60"]
        let settings = try resolve(Layer(port: 7002), env: env, files: ["/etc/lake.yaml": file])
        #expect(settings.port == 7002)          // flag
        #expect(settings.maxRows == 60)         // environment
        #expect(settings.defaultLimit == 5)     // file
        #expect(settings.threads == 2)          // file
        #expect(settings.memoryLimit == "1GB")  // file
        #expect(settings.queryTimeout == 300)   // default
        #expect(settings.configFile == "/etc/lake.yaml")
    }

    @Test("--config beats SWIFTLAKE_CONFIG")
    func configFlagBeatsEnvironment() throws {
        let settings = try resolve(Layer(configFile: "/a.yaml"), env: ["SWIFTLAKE_CONFIG": "/b.yaml"],
                                   files: ["/a.yaml": "port: 1111", "/b.yaml": "port: 2222"])
        #expect(settings.port == 1111)
    }

    @Test("roots: colon-separated in the environment, file roots relative to the file")
    func roots() throws {
        let fromEnv = try resolve(env: ["SWIFTLAKE_ROOTS": "/data/a:/data/b"])
        #expect(fromEnv.roots == ["/data/a", "/data/b"])
        let fromFile = try resolve(Layer(configFile: "/srv/conf/lake.yaml"),
                                   files: ["/srv/conf/lake.yaml": "roots:\n  - data\n  - /abs\n"])
        #expect(fromFile.roots == ["/srv/conf/data", "/abs"])
        let single = try resolve(Layer(configFile: "/c.yaml"), files: ["/c.yaml": "roots: /one"])
        #expect(single.roots == ["/one"])
        let flags = try resolve(Layer(roots: ["x"], configFile: "/c.yaml"), env: ["SWIFTLAKE_ROOTS": "/y"], files: ["/c.yaml": "roots: /one"])
        #expect(flags.roots == ["x"])
    }

    @Test("query_timeout 0 means no limit")
    func noTimeout() throws {
        #expect(try resolve(env: ["SWIFTLAKE_QUERY_TIMEOUT": "0"]).queryTimeout == nil)
        #expect(try resolve(Layer(queryTimeout: 2.5)).queryTimeout == 2.5)
        #expect(try resolve(Layer(queryTimeout: 2.5)).lakehouseConfiguration.queryTimeout == .milliseconds(2500))
    }

    @Test("empty environment variables count as unset")
    func emptyEnvironment() throws {
        let settings = try resolve(Layer(configFile: "/c.yaml"), env: ["SWIFTLAKE_TOKEN": "", "SWIFTLAKE_PORT": " "],
                                   files: ["/c.yaml": "token: from-file\nport: 9000"])
        #expect(settings.token == "from-file")
        #expect(settings.port == 9000)
    }

    @Test("an unknown config key is an error that suggests the right one")
    func unknownKey() throws {
        let error = try #require(throws: CLIError.self) {
            try resolve(Layer(configFile: "/c.yaml"), files: ["/c.yaml": "host: 127.0.0.1\nprot: 9000\n"])
        }
        #expect(error.message.contains("unknown key 'prot'"))
        #expect(error.message.contains("line 2"))
        #expect(error.message.contains("Did you mean 'port'?"))
        #expect(error.status == .usage)
    }

    @Test("wrong types and bad values are errors that name their source")
    func badValues() throws {
        let wrongType = try #require(throws: CLIError.self) {
            try resolve(Layer(configFile: "/c.yaml"), files: ["/c.yaml": "port: eighty"])
        }
        #expect(wrongType.message.contains("'port'"))
        #expect(wrongType.message.contains("whole number"))

        let badEnv = try #require(throws: CLIError.self) { try resolve(env: ["SWIFTLAKE_PORT": "http"]) }
        #expect(badEnv.message.contains("SWIFTLAKE_PORT"))

        let outOfRange = try #require(throws: CLIError.self) { try resolve(Layer(port: 70000)) }
        #expect(outOfRange.message.contains("--port"))

        let notMapping = try #require(throws: CLIError.self) {
            try resolve(Layer(configFile: "/c.yaml"), files: ["/c.yaml": "- port\n"])
        }
        #expect(notMapping.message.contains("mapping"))

        let missing = try #require(throws: CLIError.self) { try resolve(Layer(configFile: "/missing.yaml")) }
        #expect(missing.status == .notFound)
    }

    @Test("an empty config file sets nothing")
    func emptyFile() throws {
        #expect(try resolve(Layer(configFile: "/c.yaml"), files: ["/c.yaml": "# nothing yet\n"]) == {
            var expected = ServeSettings()
            expected.configFile = "/c.yaml"
            return expected
        }())
    }

    @Test("a non-loopback host needs a token, from any source")
    func exposure() throws {
        let error = try #require(throws: CLIError.self) { try resolve(Layer(host: "0.0.0.0")) }
        #expect(error.message.contains("token"))
        let withToken = try resolve(Layer(host: "0.0.0.0"), env: ["SWIFTLAKE_TOKEN": "s3cret"])
        #expect(withToken.token == "s3cret")
        #expect(try resolve(Layer(host: "localhost")).token == nil)
        #expect(try resolve(Layer(host: "::1")).baseURL == "http://[::1]:8000")
    }

    @Test("spark_s3: auto by default; from the flag, SWIFTLAKE_SPARK_S3 or the file; anything else is refused by name")
    func sparkS3Reads() throws {
        #expect(try resolve().sparkS3 == .auto)
        #expect(try resolve().lakehouseConfiguration.sparkS3Reads == .auto)
        #expect(try resolve(env: ["SWIFTLAKE_CONFIG": "/l.yaml"], files: ["/l.yaml": "spark_s3: staged"]).sparkS3 == .staged)
        #expect(try resolve(env: ["SWIFTLAKE_SPARK_S3": "DIRECT"]).lakehouseConfiguration.sparkS3Reads == .direct)
        #expect(try resolve(Layer(sparkS3: "staged"), env: ["SWIFTLAKE_SPARK_S3": "direct"]).sparkS3 == .staged)
        let error = try #require(throws: CLIError.self) { try resolve(Layer(sparkS3: "s3a")) }
        #expect(error.message.contains("spark_s3 (--spark-s3) must be one of auto, direct, staged; got 's3a'"), "\(error.message)")
    }

    @Test("every key has an environment variable and a flag spelling")
    func keySpellings() {
        #expect(Layer.Key.maxBodySize.environmentVariable == "SWIFTLAKE_MAX_BODY_SIZE")
        #expect(Layer.Key.maxBodySize.flag == "--max-body-size")
        #expect(Layer.Key.roots.flag == "--root")
        #expect(Layer.Key.roots.environmentVariable == "SWIFTLAKE_ROOTS")
    }
}
