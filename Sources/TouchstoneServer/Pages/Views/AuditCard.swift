import TouchstoneCore
import TouchstoneStore

/// An audit as the outlet page lists it: score, state, critical flag, trust signals, failed
/// items, evidence thumbnails and open disputes.
struct AuditCard: Sendable {
    struct Evidence: Sendable {
        let item: String
        let name: String
        let src: String
        let image: Bool
        /// Where and when the photo was taken, as the auditor's phone read it from the EXIF (the served image has none).
        let captured: String?
    }

    /// A trust signal raised when the audit arrived, with what it means.
    struct Flag: Sendable {
        let code: String
        let text: String
    }

    struct OpenDispute: Sendable {
        let item: String
        let reason: String
        let openedBy: String
    }

    let id: String
    let link: String
    let visitedAt: String
    let servedBy: String?
    let state: String
    let score: String
    let critical: Bool
    let flags: [Flag]
    let flagged: Bool
    let failedItems: [String]
    let evidence: [Evidence]
    let disputes: [OpenDispute]

    init(_ record: AuditRecord, labels: [String: String]) {
        id = record.id
        link = "/audits/\(record.id)"
        visitedAt = record.visitedAt
        servedBy = record.servedBy
        state = labels["audit_state_\(record.state.rawValue)"] ?? record.state.rawValue
        score = record.score ?? "—"
        critical = record.criticalFailure
        flags = record.flags.map { Flag(code: $0, text: labels["audit_flag_\($0)"] ?? $0) }
        flagged = !record.flags.isEmpty
        failedItems = record.items.filter(\.failed).map(\.item)
        evidence = record.attachments.filter(\.received).map {
            Evidence(
                item: $0.item, name: $0.name, src: Self.evidenceLink(audit: record.id, item: $0.item, name: $0.name),
                image: EvidenceContentType.isImage($0.contentType), captured: $0.captured.flatMap(Self.captured))
        }
        disputes = record.disputes.filter { $0.state == "open" }.map { OpenDispute(item: $0.item, reason: $0.reason, openedBy: $0.openedBy) }
    }

    /// Where the page serves an attachment's bytes.
    /// `2026-11-30T10:21:07+08:00 · 31.230416, 121.473701`, or nil when nothing was recorded.
    static func captured(_ capture: AttachmentCapture) -> String? {
        let parts = [capture.at, capture.position.map { "\($0.latitude), \($0.longitude)" }].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    static func evidenceLink(audit: String, item: String, name: String) -> String {
        "/audits/\(audit)/evidence/\(PageLinks.encode(item))/\(PageLinks.encode(name))"
    }
}
