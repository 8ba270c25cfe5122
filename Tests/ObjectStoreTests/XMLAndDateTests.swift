import Foundation
import Testing
@testable import ObjectStore

@Suite struct XMLAndDateTests {
    @Test func parsesListResultWithEntitiesAndNamespaces() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <IsTruncated>true</IsTruncated>
              <Contents><Key>a&amp;b &lt;1&gt; &#233;&#x41;</Key><Size>12</Size></Contents>
              <Contents><Key>c</Key><Size>0</Size><Owner/></Contents>
              <NextContinuationToken>tok=</NextContinuationToken>
            </ListBucketResult>
            """
        let root = try #require(XMLElementTree.parse(Array(xml.utf8)))
        #expect(root.name == "ListBucketResult")
        #expect(root.children("Contents").map { $0.value("Key") } == ["a&b <1> éA", "c"])
        #expect(root.value("NextContinuationToken") == "tok=")
        #expect(XMLElementTree.parse(Array("<a><b></a>".utf8)) == nil)
    }

    @Test func escapesWhatItWrites() {
        #expect(XMLElementTree.escape("a&b<c>\"d'") == "a&amp;b&lt;c&gt;&quot;d&apos;")
    }

    @Test func parsesBothS3DateFormats() {
        #expect(S3DateParser.iso8601("2015-08-30T12:36:00.250Z")?.timeIntervalSince1970 == 1_440_938_160.25)
        #expect(S3DateParser.iso8601("2015-08-30T12:36:00Z")?.timeIntervalSince1970 == 1_440_938_160)
        #expect(S3DateParser.rfc1123("Sun, 30 Aug 2015 12:36:00 GMT")?.timeIntervalSince1970 == 1_440_938_160)
        #expect(S3DateParser.iso8601("yesterday") == nil)
    }
}
