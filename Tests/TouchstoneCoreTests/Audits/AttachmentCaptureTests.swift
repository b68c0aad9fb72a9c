import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct AttachmentCaptureTests {
    static let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    static func document(captured: String) -> String {
        AuditDocumentTests.doc(
            AuditDocumentTests.full,
            extra: #","attachments":[{"item":"P1","name":"f.jpg","sha256":""# + sha + #"","contentType":"image/jpeg","captured":"#
                + captured + "}]")
    }

    @Test func capturedTimeAndPositionAreKeptAndCanonical() throws {
        let d = try AuditDocumentTests.parse(
            Self.document(captured: #"{"at":"2026-09-14T10:21:07+08:00","position":{"latitude":31.2304,"longitude":121.4737}}"#))
        let captured = try #require(d.attachments.first?.captured)
        #expect(captured.at == "2026-09-14T10:21:07+08:00")
        #expect(captured.position == GeoPoint(latitude: 31.2304, longitude: 121.4737))
        #expect(d.canonicalJSON.contains(#""captured":{"at":"2026-09-14T10:21:07+08:00","position":{"latitude":31.2304,"longitude":121.4737}}"#))
    }

    @Test func withoutCapturedTheCanonicalTextIsUnchanged() throws {
        let d = try AuditDocumentTests.parse(
            AuditDocumentTests.doc(
                AuditDocumentTests.full,
                extra: #","attachments":[{"item":"P1","name":"f.jpg","sha256":""# + Self.sha + #"","contentType":"image/jpeg"}]"#))
        #expect(d.attachments.first?.captured == nil)
        #expect(!d.canonicalJSON.contains("captured"))
    }

    @Test func badCaptureIsRefusedAtItsPath() {
        #expect {
            try AuditDocumentTests.parse(Self.document(captured: #"{"at":"2026:09:14 10:21:07","position":{"latitude":91,"longitude":0}}"#))
        } throws: { error in
            (error as? ValidationFailure)?.problems.map(\.path) == ["attachments[0].captured.at", "attachments[0].captured.position"]
        }
    }

    @Test func captureTimes() {
        for good in ["2026-09-14T10:21:07", "2026-09-14T10:21:07Z", "2026-09-14T10:21:07-05:00"] {
            #expect(AttachmentCapture.isCaptureTime(good), "\(good)")
        }
        for bad in ["2026-02-30T10:21:07", "2026-09-14 10:21:07", "2026-09-14T10:21", "2026-09-14T10:21:07+8", ""] {
            #expect(!AttachmentCapture.isCaptureTime(bad), "\(bad)")
        }
    }
}
