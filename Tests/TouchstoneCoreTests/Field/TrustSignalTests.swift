import Foundation
import Testing

@testable import TouchstoneCore

/// One test per trust signal: raised when its fact crosses the tenant's threshold, quiet just
/// inside it and when the fact is missing.
@Suite struct TrustSignalTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    let visitedAt = Instant.parse("2026-03-10T10:00:00+08:00")!
    let settings = TrustSettings()

    /// A section of three scale items and one yes/no item.
    var template: Template {
        Template(
            code: "MS", version: 1,
            sections: [
                TemplateSection(
                    code: "S1", weight: 1, dimension: .tangibles,
                    items: [
                        TemplateItem(code: "Q1", type: .scale, points: 5, min: 1, max: 5),
                        TemplateItem(code: "Q2", type: .scale, points: 5, min: 1, max: 5),
                        TemplateItem(code: "Q3", type: .scale, points: 5, na: true, min: 1, max: 5),
                        TemplateItem(code: "Q4", type: .yesno, points: 1),
                    ])
            ])
    }

    func audit(_ answers: [String: Answer] = ["Q1": .number(4), "Q2": .number(5), "Q3": .number(4), "Q4": .text("yes")]) -> AuditDocument {
        AuditDocument(
            id: "A1", template: "MS", templateVersion: 1, outlet: "SH01", visitedAt: visitedAt,
            visitedAtText: "2026-03-10T10:00:00+08:00", auditor: "aud01", answers: answers)
    }

    func flags(_ change: (inout TrustFacts) -> Void) -> [TrustFlag] {
        var facts = TrustFacts(
            audit: audit(), template: template, trace: VisitTrace(), receivedAt: visitedAt.addingTimeInterval(3600),
            visitDay: CivilDate(visitedAt, in: shanghai))
        change(&facts)
        return TrustSignals.flags(facts, settings: settings)
    }

    @Test func aPlainAuditRaisesNothing() {
        #expect(flags { _ in }.isEmpty)
        #expect(AuditWorkflow.releasesOnArrival(requireReview: false, flags: [], missingEvidence: []))
        #expect(!AuditWorkflow.releasesOnArrival(requireReview: false, flags: [.clockSkew], missingEvidence: []))
        #expect(!AuditWorkflow.releasesOnArrival(requireReview: true, flags: [], missingEvidence: []))
    }

    @Test func photoReused() {
        #expect(flags { $0.reusedPhotos = 1 } == [.photoReused])
    }

    @Test func farFromOutlet() {
        // People's Square, Shanghai, and points about 400 m and 1.1 km north of it.
        let outlet = GeoPoint(latitude: 31.2304, longitude: 121.4737)!
        #expect(
            flags {
                $0.outletPosition = outlet
                $0.trace.position = GeoPoint(latitude: 31.2340, longitude: 121.4737)!
            }.isEmpty)
        #expect(
            flags {
                $0.outletPosition = outlet
                $0.trace.position = GeoPoint(latitude: 31.2404, longitude: 121.4737)!
            } == [.farFromOutlet])
        #expect(flags { $0.trace.position = GeoPoint(latitude: 0, longitude: 0)! }.isEmpty, "an outlet without a position")
        #expect(abs(outlet.distance(to: GeoPoint(latitude: 31.2404, longitude: 121.4737)!) - 1112) < 2)
        #expect(GeoPoint(latitude: 91, longitude: 0) == nil && GeoPoint(latitude: 0, longitude: -181) == nil)
    }

    @Test func outsideWindow() {
        let day = CivilDate("2026-03-10")!
        #expect(flags { $0.window = (day.start(in: shanghai), day.adding(days: 1).start(in: shanghai)) }.isEmpty)
        #expect(flags { $0.window = (day.adding(days: 1).start(in: shanghai), day.adding(days: 2).start(in: shanghai)) } == [.outsideWindow])
    }

    @Test func tooShort() {
        let started = visitedAt.addingTimeInterval(-20 * 60)
        #expect(
            flags {
                $0.minimumMinutes = 20
                $0.trace.startedAt = started
                $0.trace.endedAt = visitedAt
            }.isEmpty)
        #expect(
            flags {
                $0.minimumMinutes = 21
                $0.trace.startedAt = started
                $0.trace.endedAt = visitedAt
            } == [.tooShort])
        #expect(flags { $0.minimumMinutes = 21 }.isEmpty, "no times recorded")
    }

    @Test func lateSubmission() {
        let ended = visitedAt.addingTimeInterval(600)
        #expect(
            flags {
                $0.trace.endedAt = ended
                $0.receivedAt = ended.addingTimeInterval(48 * 3600)
            }.isEmpty)
        #expect(
            flags {
                $0.trace.endedAt = ended
                $0.receivedAt = ended.addingTimeInterval(48 * 3600 + 1)
            } == [.lateSubmission])
        #expect(
            flags { $0.receivedAt = visitedAt.addingTimeInterval(90 * 86_400) }.isEmpty,
            "an upload with no device record (an agency's system, a back-fill) is not measured")
    }

    @Test func rotation() {
        #expect(flags { $0.earlierVisits = [CivilDate("2025-09-10")!] }.isEmpty)
        #expect(flags { $0.earlierVisits = [CivilDate("2025-09-11")!] } == [.rotation])
    }

    @Test func straightLining() {
        let same: [String: Answer] = ["Q1": .number(5), "Q2": .number(5), "Q3": .number(5), "Q4": .text("no")]
        #expect(flags { $0.audit = audit(same) } == [.straightLining])
        #expect(
            flags { $0.audit = audit(["Q1": .number(5), "Q2": .number(5), "Q3": .na, "Q4": .text("yes")]) }.isEmpty,
            "two rated answers are not a pattern")
        let yesOnly = Template(
            code: "MS", version: 1,
            sections: [
                TemplateSection(
                    code: "S", weight: 1, dimension: .tangibles,
                    items: (1...5).map {
                        TemplateItem(code: "Y\($0)", type: .yesno, points: 1)
                    })
            ])
        #expect(
            flags {
                $0.template = yesOnly
                $0.audit = audit(Dictionary(uniqueKeysWithValues: (1...5).map { ("Y\($0)", Answer.text("yes")) }))
            }.isEmpty,
            "an outlet that passes every yes/no check is not straight-lining")
    }

    @Test func clockSkew() {
        #expect(flags { $0.trace.deviceSentAt = $0.receivedAt.addingTimeInterval(-300) }.isEmpty)
        #expect(flags { $0.trace.deviceSentAt = $0.receivedAt.addingTimeInterval(301) } == [.clockSkew])
    }

    @Test func severalFlagsInDeclarationOrderAndAsACell() {
        let raised = flags {
            $0.trace.deviceSentAt = $0.receivedAt.addingTimeInterval(-900)
            $0.reusedPhotos = 2
        }
        #expect(raised == [.photoReused, .clockSkew])
        #expect(TrustFlag.cell(raised) == "photo_reused;clock_skew")
    }
}

@Suite struct VisitUploadCheckTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    var visit: PlannedVisit {
        PlannedVisit(
            id: "V1", outlet: "SH01", template: "MS", templateVersion: 2, auditor: "aud01",
            windowStart: Instant.parse("2026-03-01T00:00:00+08:00")!, windowEnd: Instant.parse("2026-03-16T00:00:00+08:00")!,
            state: .assigned)
    }

    func audit(at time: String = "2026-03-10T10:00:00+08:00", auditor: String = "aud01", version: Int = 2) -> AuditDocument {
        AuditDocument(
            id: "A1", template: "MS", templateVersion: version, outlet: "SH01", visitedAt: Instant.parse(time)!,
            visitedAtText: time, auditor: auditor, answers: [:])
    }

    func message(_ body: () throws(ValidationFailure) -> VisitUploadCheck.Outcome) -> String? {
        do {
            _ = try body()
            return nil
        } catch { return error.problems.map { "\($0.path): \($0.message)" }.joined() }
    }

    @Test func acceptsTheVisitsOwnAuditAndItsRetry() throws {
        #expect(try VisitUploadCheck.check(audit(), against: visit, lateVisitsAccepted: false, timeZone: shanghai) == .accepted(outsideWindow: false))
        var done = visit
        done.state = .submitted
        done.auditID = "A1"
        #expect(try VisitUploadCheck.check(audit(), against: done, lateVisitsAccepted: false, timeZone: shanghai) == .alreadyFulfilled)
    }

    @Test func refusesAnotherAuditorsOrTemplatesVisit() {
        #expect(
            message { () throws(ValidationFailure) in
                try VisitUploadCheck.check(audit(auditor: "aud02"), against: visit, lateVisitsAccepted: true, timeZone: shanghai)
            }
                == "visit: visit V1 is assigned to another auditor")
        #expect(
            message { () throws(ValidationFailure) in
                try VisitUploadCheck.check(audit(version: 1), against: visit, lateVisitsAccepted: true, timeZone: shanghai)
            }
                == "visit: visit V1 is for template MS v2, not MS v1")
        var cancelled = visit
        cancelled.state = .cancelled
        #expect(
            message { () throws(ValidationFailure) in
                try VisitUploadCheck.check(audit(), against: cancelled, lateVisitsAccepted: true, timeZone: shanghai)
            }
                == "visit: visit V1 was cancelled")
    }

    @Test func outsideTheWindowIsRefusedOrFlaggedAsTheTenantChooses() throws {
        let late = audit(at: "2026-03-16T09:00:00+08:00")
        #expect(
            message { () throws(ValidationFailure) in try VisitUploadCheck.check(late, against: visit, lateVisitsAccepted: false, timeZone: shanghai)
            }
                == "visit: visit V1 must be made between 2026-03-01T00:00:00+08:00 and 2026-03-16T00:00:00+08:00; this audit was made at 2026-03-16T09:00:00+08:00"
        )
        #expect(try VisitUploadCheck.check(late, against: visit, lateVisitsAccepted: true, timeZone: shanghai) == .accepted(outsideWindow: true))
        var expired = visit
        expired.state = .expired
        #expect(try VisitUploadCheck.check(late, against: expired, lateVisitsAccepted: true, timeZone: shanghai) == .accepted(outsideWindow: true))
    }
}
