import Foundation
import PQ
import TouchstoneCore

/// Documents checked together: their references read with one query, then checked, scored and
/// flagged on all cores. Used by the JSONL import (``AuditImport``) and by uploads stored
/// together (``AuditUploadBatch``).
extension AuditSubmission {
    /// What the database holds about documents checked together, read before they are checked.
    struct Lookup {
        /// Each document's references (nil where there is no document).
        var references: [References?]
        /// The templates the documents name, by definition hash.
        var templates: [String: Result<Template, any Error>]
    }

    /// The references and templates of `documents` (nil entries are skipped), with one query
    /// for all the references.
    static func lookUp(_ conn: PQConnection, tenant: Tenant, documents parsed: [AuditDocument?]) throws -> Lookup {
        let documents = parsed.compactMap { $0 }
        let found = documents.isEmpty ? [] : try references(conn, tenant: tenant, documents: documents)
        var next = found.makeIterator()
        let references = parsed.map { doc in doc.map { _ in next.next()! } }
        var templates: [String: Result<Template, any Error>] = [:]
        for (doc, r) in zip(parsed, references) {
            guard let doc, let r, let hash = r.templateHash, templates[hash] == nil else { continue }
            do {
                templates[hash] = .success(try template(conn, of: doc, references: r)!)
            } catch let error as PQError {
                throw error
            } catch {
                templates[hash] = .failure(error)
            }
        }
        return Lookup(references: references, templates: templates)
    }

    /// Each of `documents` (parsed, with the problems parsing found) checked against what
    /// `lookup` read, then scored and flagged: nil where there is no document. Reads nothing,
    /// and runs on all cores: the core's rules read nothing either.
    static func checkedAll(
        _ documents: [(AuditDocument, [Problem])?], _ lookup: Lookup, tenant: Tenant, settings: FieldSettingsQueries.Settings, now: Date
    ) -> [Result<New, any Error>?] {
        let templates = lookup.templates
        return Array(zip(documents, lookup.references)).concurrentMap { parsed, r -> Result<New, any Error>? in
            guard let (doc, problems) = parsed, let r else { return nil }
            return Result {
                let (template, checked) = try checked(
                    doc, problems: problems, references: r, template: r.templateHash.map { try templates[$0]!.get() }, tenant: tenant,
                    settings: settings)
                return New(doc, template: template, checked: checked, tenant: tenant, now: now)
            }
        }
    }
}
