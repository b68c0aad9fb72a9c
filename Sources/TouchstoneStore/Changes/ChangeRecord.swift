public import Foundation
public import TouchstoneCore

/// One row of the append-only change log: who changed what, when, from what to what.
public struct ChangeRecord: Sendable, Encodable {
    /// Increasing with time; the listing's cursor.
    public let id: Int64
    public let at: Date
    /// The principal's login, `cli:<os user>`, or the database role for direct SQL.
    public let actor: String
    /// `insert`, `update`, `delete`, `import` (one row per import run) or `approve`.
    public let action: String
    /// `outlet`, `staff`, `audit`, `template`, `kpi`, `plan`, `user`, `token`, `batch_run`, …
    public let entity: String
    /// The entity's key (outlet code, audit id, `code vN`, an import's file SHA-256, …).
    public let key: String
    /// The row before the change (nil for inserts and imports).
    public let before: JSONValue?
    /// The row after the change (nil for deletes); an import's counts and file digest.
    public let after: JSONValue?
}
