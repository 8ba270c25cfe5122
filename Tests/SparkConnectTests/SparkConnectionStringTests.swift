import Testing

@testable import SparkConnect

@Suite("Spark Connect connection strings")
struct SparkConnectionStringTests {
    @Test func hostOnlyGetsTheDefaultPort() throws {
        let c = try SparkConnectionString("sc://localhost")
        #expect(c.host == "localhost")
        #expect(c.port == 15002)
        #expect(c.parameters.isEmpty)
        #expect(c.useSSL == false)
        #expect(c.token == nil)
        #expect(c.description == "sc://localhost:15002")
    }

    @Test func hostPortAndTrailingSlash() throws {
        let c = try SparkConnectionString("sc://spark.internal:443/")
        #expect(c.host == "spark.internal")
        #expect(c.port == 443)
        #expect(c.parameters.isEmpty)
    }

    @Test func documentedParameters() throws {
        let c = try SparkConnectionString(
            "sc://myhost.com:443/;token=ABCDEFG;user_id=ana;user_agent=swiftlake;use_ssl=false")
        #expect(c.host == "myhost.com")
        #expect(c.port == 443)
        #expect(c.token == "ABCDEFG")
        #expect(c.userID == "ana")
        #expect(c.userAgent == "swiftlake")
        // A token implies TLS whatever use_ssl says, as in Spark's clients.
        #expect(c.useSSL)
        #expect(c.metadata.isEmpty)
    }

    @Test(arguments: [("true", true), ("TRUE", true), ("True", true), ("false", false), ("yes", false), ("", false)])
    func useSSL(value: String, expected: Bool) throws {
        let c = try SparkConnectionString("sc://h/;use_ssl=\(value)")
        #expect(c.useSSL == expected)
    }

    @Test func otherParametersBecomeMetadata() throws {
        let c = try SparkConnectionString("sc://h:1/;x-custom=1;user_id=u;trace=a%3Bb;grpc_keepalive_time_ms=5")
        #expect(c.metadata == ["x-custom": "1", "trace": "a;b"])
        #expect(c.parameters["user_id"] == "u")
    }

    @Test func percentDecodingAndRoundTrip() throws {
        let c = try SparkConnectionString("sc://h:15002/;token=a%2Fb%3D%25;user_id=J%C3%BCrgen%20X;")
        #expect(c.token == "a/b=%")
        #expect(c.userID == "Jürgen X")
        let again = try SparkConnectionString(c.description)
        #expect(again == c)
    }

    @Test func sessionIDMustBeAUUID() throws {
        let ok = try SparkConnectionString("sc://h/;session_id=0d2af2a9-cc3c-4d4b-bf27-e2fefbdca792")
        #expect(ok.sessionID == "0d2af2a9-cc3c-4d4b-bf27-e2fefbdca792")
        #expect(throws: SparkConnectionStringError.invalid("session_id must be a UUID")) {
            try SparkConnectionString("sc://h/;session_id=abc")
        }
    }

    @Test func ipv6InBrackets() throws {
        let c = try SparkConnectionString("sc://[::1]:15003/;use_ssl=true")
        #expect(c.host == "::1")
        #expect(c.port == 15003)
        #expect(c.description == "sc://[::1]:15003/;use_ssl=true")
        #expect(try SparkConnectionString("sc://[::1]").port == 15002)
    }

    @Test(arguments: [
        "http://localhost:15002",
        "localhost:15002",
        "sc:/localhost",
        "",
    ])
    func rejectsOtherSchemes(text: String) {
        #expect(throws: SparkConnectionStringError.notSparkConnect) { try SparkConnectionString(text) }
    }

    @Test(arguments: [
        "sc://",  // no host
        "sc://:15002",  // no host
        "sc://h:port",  // port not a number
        "sc://h:0",
        "sc://h:65536",
        "sc://h:1:2",  // not host:port
        "sc://h/path",  // path must be empty
        "sc://h/;token",  // not key=value
        "sc://h/;=v",
        "sc://h/;a=b=c",
        "sc://h/;token=%zz",  // bad escape
        "sc://h;token=abc",  // parameters before '/'
        "sc://[::1",
        "sc://user@h",
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: SparkConnectionStringError.self) { try SparkConnectionString(text) }
    }

    @Test func errorsDoNotRepeatTheToken() {
        let error = #expect(throws: SparkConnectionStringError.self) {
            try SparkConnectionString("sc://h/;token=s3cret=x")
        }
        #expect(error.map { !"\($0)".contains("s3cret") } ?? false)
    }

    @Test func redactedDescriptionHidesTheToken() throws {
        let c = try SparkConnectionString("sc://h/;token=s3cret;user_id=u")
        #expect(!c.redactedDescription.contains("s3cret"))
        #expect(c.redactedDescription == "sc://h:15002/;token=REDACTED;user_id=u")
    }

    @Test func fromEnvironment() throws {
        #expect(try SparkConnectionString.fromEnvironment([:]) == nil)
        #expect(try SparkConnectionString.fromEnvironment(["SPARK_REMOTE": ""]) == nil)
        let c = try SparkConnectionString.fromEnvironment(["SPARK_REMOTE": "sc://remote:1234/;user_id=bob"])
        #expect(c == SparkConnectionString(host: "remote", port: 1234, parameters: ["user_id": "bob"]))
        #expect(throws: SparkConnectionStringError.notSparkConnect) {
            try SparkConnectionString.fromEnvironment(["SPARK_REMOTE": "local[*]"])
        }
    }
}
