import Foundation
public import TouchstoneCore

/// An audit in a listing.
public struct AuditSummary: Sendable, Codable, Equatable {
    public var id: String
    public var template: String
    public var templateVersion: Int
    public var outlet: String
    /// In the tenant's time zone, with its offset.
    public var visitedAt: String
    public var servedBy: String?
    public var state: AuditState
    /// 2 decimals; nil when the audit has no score.
    public var score: String?
    public var criticalFailure: Bool
    /// Trust signals raised on arrival (codes of ``TrustFlag``).
    public var flags: [String]
    /// nil for callers who may not learn who audited (``AuditScope/revealsAuditors``).
    public var submittedBy: String?
}

/// One audit in full: the document, its state, scores, item results, evidence and history.
public struct AuditRecord: Sendable, Codable, Equatable {
    /// An answered item and what it earned (`earned`/`possible` nil: not scored or N/A).
    public struct Item: Sendable, Codable, Equatable {
        public var item: String
        public var answer: Answer
        public var comment: String?
        public var earned: String?
        public var possible: String?
        public var failed: Bool
    }

    /// A declared attachment and whether its bytes arrived.
    public struct Attachment: Sendable, Codable, Equatable {
        public var item: String
        public var name: String
        public var sha256: String
        public var contentType: String
        public var received: Bool
        public var size: Int?
        /// Other audits holding the same bytes that the caller may see (a fraud signal for the
        /// reviewer); nil for callers who may not learn who audited.
        public var reusedBy: [String]?
        /// Where and when the photo was taken, as the auditor's device read it from its EXIF
        /// (the served image has no EXIF); nil when the upload did not say.
        public var captured: AttachmentCapture?
    }

    /// One state change.
    public struct Transition: Sendable, Codable, Equatable {
        public var seq: Int
        public var at: String
        /// nil where the actor is the submitter and the caller may not learn who audited.
        public var actor: String?
        public var from: AuditState?
        public var to: AuditState
        public var reason: String?
    }

    /// A disputed item and head office's decision.
    public struct Dispute: Sendable, Codable, Equatable {
        public var item: String
        public var reason: String
        public var proposedAnswer: Answer?
        public var openedBy: String
        public var openedAt: String
        public var state: String
        public var decidedBy: String?
        public var decidedAt: String?
        public var decisionReason: String?
        public var oldAnswer: Answer?
        public var newAnswer: Answer?
    }

    /// One (re)scoring.
    public struct ScoreChange: Sendable, Codable, Equatable {
        public var seq: Int
        public var at: String
        public var templateVersion: Int
        public var oldScore: String?
        public var newScore: String?
        public var reason: String
    }

    public var id: String
    public var template: String
    public var templateVersion: Int
    public var outlet: String
    /// As uploaded (with its offset).
    public var visitedAt: String
    /// The auditor and the submitter, nil for callers who may not learn who audited.
    public var auditor: String?
    public var servedBy: String?
    public var submittedBy: String?
    public var submittedAt: String
    public var releasedAt: String?
    /// Visited in a period that was already closed.
    public var late: Bool
    public var state: AuditState
    public var score: String?
    public var criticalFailure: Bool
    public var sections: [AuditReceipt.SectionScore]
    public var dimensions: [AuditReceipt.DimensionScore]
    public var items: [Item]
    public var attachments: [Attachment]
    public var missingEvidence: [String]
    public var warnings: [Problem]
    /// Trust signals raised on arrival (codes of ``TrustFlag``).
    public var flags: [String]
    public var transitions: [Transition]
    public var disputes: [Dispute]
    public var scoreHistory: [ScoreChange]
}

/// One evidence upload's result.
public struct EvidenceReceipt: Sendable, Codable, Equatable {
    public var audit: String
    public var item: String
    public var name: String
    public var size: Int
    /// Other audits with the same bytes (flagged on both audits).
    public var reusedBy: [String]
    /// The audit's state after the upload (released when the last required photo arrived).
    public var state: AuditState
    public var missingEvidence: [String]
}
