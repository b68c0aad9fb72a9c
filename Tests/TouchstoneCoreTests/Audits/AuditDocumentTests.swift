import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct AuditDocumentTests {
    static let now = Instant.parse("2026-10-01T00:00:00+08:00")!

    static func doc(_ answers: String, extra: String = "", visitedAt: String = "2026-09-14T10:32:00+08:00") -> String {
        #"{"id":"a1","template":"demo-visit","templateVersion":1,"outlet":"O1","visitedAt":""# + visitedAt
            + #"","auditor":"ag/1","answers":{"# + answers + "}" + extra + "}"
    }

    static let full = #""A1":"yes","A2":4,"A3":"na","S1":75,"S2":"yes","S3":"partial","C1":"na""#

    static func parse(_ json: String) throws(ValidationFailure) -> AuditDocument {
        try AuditDocument.parse(json: Data(json.utf8), now: now)
    }

    @Test func parsesAndValidatesCleanDocument() throws {
        let d = try Self.parse(
            Self.doc(
                Self.full,
                extra:
                    #","servedBy":"E7","comments":{"S1":"waited"},"attachments":[{"item":"P1","name":"f.jpg","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","contentType":"image/jpeg","size":1024}]"#
            ))
        #expect(d.answers["A2"] == .number(4))
        #expect(d.answers["A3"] == .na)
        #expect(d.answers["S3"] == .text("partial"))
        #expect(d.servedBy == "E7")
        #expect(d.visitedAtText == "2026-09-14T10:32:00+08:00")
        #expect(d.attachments.first?.size == 1024)
        #expect(validate(d, against: Fixtures.demoTemplate).isEmpty)
        #expect(d.missingRequiredPhotos(in: Fixtures.demoTemplate).isEmpty)
    }

    @Test func structuralProblemsAllAtOnce() {
        let json =
            #"{"id":"","template":"demo-visit","templateVersion":1.5,"visitedAt":"2026-09-14T10:32:00","auditor":"x","answers":{"A1":true,"A2":[1]},"attachments":[{"item":"P1","name":"a","sha256":"ABC","contentType":"image/png"}]}"#
        #expect(
            throws: ValidationFailure(problems: [
                Problem(path: "id", message: "must not be empty"),
                Problem(path: "templateVersion", message: "expected an integer, got a fraction"),
                Problem(path: "outlet", message: "is required"),
                Problem(path: "visitedAt", message: "instant \"2026-09-14T10:32:00\" has no offset (add Z or +08:00)"),
                Problem(path: "answers.A1", message: "expected a string, a number or \"na\", got boolean"),
                Problem(path: "answers.A2", message: "expected a string, a number or \"na\", got array"),
                Problem(path: "attachments[0].sha256", message: "expected 64 lowercase hex digits"),
            ])
        ) { try Self.parse(json) }
    }

    @Test func futureVisitIsRejected() {
        #expect(throws: ValidationFailure(path: "visitedAt", message: "is in the future (2026-10-01T00:10:00+08:00)")) {
            try Self.parse(Self.doc(Self.full, visitedAt: "2026-10-01T00:10:00+08:00"))
        }
        // Within the 5-minute clock-skew tolerance.
        #expect((try? Self.parse(Self.doc(Self.full, visitedAt: "2026-10-01T00:04:00+08:00"))) != nil)
    }

    @Test func answerProblemsAgainstTemplate() throws {
        let d = try Self.parse(
            Self.doc(
                #""A1":"Yes","A2":6,"A3":"na","S1":"fast","S2":"na","S3":"most","Z9":"yes""#,
                extra: #","comments":{"Q":"?"}"#))
        #expect(
            validate(d, against: Fixtures.demoTemplate) == [
                Problem(path: "answers.A1", message: "expected \"yes\" or \"no\", got \"Yes\""),
                Problem(path: "answers.A2", message: "expected an integer from 1 to 5, got 6"),
                Problem(path: "answers.S1", message: "expected a number, got \"fast\""),
                Problem(path: "answers.S2", message: "\"na\" is not allowed for this item"),
                Problem(path: "answers.S3", message: "expected one of \"full\", \"partial\", \"none\", got \"most\""),
                Problem(path: "answers.C1", message: "missing answer for scored item"),
                Problem(path: "answers.Z9", message: "unknown item \"Z9\" in template demo-visit v1"),
                Problem(path: "comments.Q", message: "unknown item \"Q\""),
            ])
    }

    @Test(arguments: [("2.5", false), ("3", true), ("3.0", true), ("0", false), ("5", true)])
    func scaleNeedsIntegerInRange(value: String, ok: Bool) throws {
        let d = try Self.parse(Self.doc(Self.full.replacingOccurrences(of: #""A2":4"#, with: #""A2":"# + value)))
        #expect(validate(d, against: Fixtures.demoTemplate).isEmpty == ok)
    }

    @Test func templateMismatchAndRequiredPhotos() throws {
        var t = Fixtures.demoTemplate
        t.version = 2
        t.sections[0].items[3].required = true
        let d = try Self.parse(Self.doc(Self.full))
        #expect(validate(d, against: t) == [Problem(path: "templateVersion", message: "document is for version 1, not 2")])
        #expect(missingRequiredPhotos(d, t) == ["P1"])
    }

    @Test func canonicalJSONIgnoresKeyOrderAndNumberSpelling() throws {
        let a = try Self.parse(Self.doc(Self.full))
        let b = try Self.parse(
            #"{"answers":{"C1":"na","S3":"partial","S2":"yes","S1":75.0,"A3":"na","A2":4.00,"A1":"yes"},"auditor":"ag/1","outlet":"O1","visitedAt":"2026-09-14T10:32:00+08:00","templateVersion":1,"template":"demo-visit","id":"a1","comments":{}}"#
        )
        let c = try Self.parse(Self.doc(Self.full.replacingOccurrences(of: #""S1":75"#, with: #""S1":76"#)))
        #expect(a.canonicalJSON == b.canonicalJSON)
        #expect(a == b)
        #expect(a.canonicalJSON != c.canonicalJSON)
        #expect(a.canonicalJSON.hasPrefix(#"{"answers":{"A1":"yes","A2":4,"A3":"na","C1":"na","S1":75,"#))
        // Round trip: canonical JSON parses back to the same document.
        #expect(try AuditDocument.parse(json: Data(a.canonicalJSON.utf8)) == a)
    }

    @Test func jsonParserIsStrictAndExact() throws {
        let v = try JSONValue.parse(Data(#"{"a":0.1,"b":"\u4e2d\ud83d\ude00","c":[true,null,-1e2]}"#.utf8))
        #expect(v["a"] == .number("0.1"))
        #expect(v["b"] == .string("中😀"))
        #expect(v.canonicalText == #"{"a":0.1,"b":"中😀","c":[true,null,-100]}"#)
        for bad in [#"{"a":1,"a":2}"#, "[01]", "[1.]", "{'a':1}", "[1,]", "\"\u{01}\"", "nul", "[1] x"] {
            #expect(throws: ValidationFailure.self, "\(bad)") { try JSONValue.parse(Data(bad.utf8)) }
        }
    }
}

@Suite struct AuditDocumentEvidenceTypeTests {
    static func attachment(_ contentType: String) -> String {
        #","attachments":[{"item":"P1","name":"f","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","contentType":""#
            + contentType + #""}]"#
    }

    @Test(arguments: ["text/html", "image/svg+xml", "application/xhtml+xml", "text/plain", "application/octet-stream", ""])
    func scriptableOrUnknownEvidenceTypesAreRefused(_ contentType: String) {
        #expect {
            try AuditDocumentTests.parse(AuditDocumentTests.doc(AuditDocumentTests.full, extra: Self.attachment(contentType)))
        } throws: { error in
            (error as? ValidationFailure)?.problems.map(\.path) == ["attachments[0].contentType"]
        }
    }

    @Test(arguments: ["image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf", "IMAGE/JPEG"])
    func rasterImagesAndPDFAreAccepted(_ contentType: String) throws {
        let document = try AuditDocumentTests.parse(AuditDocumentTests.doc(AuditDocumentTests.full, extra: Self.attachment(contentType)))
        #expect(document.attachments.first?.contentType == contentType)
    }
}
