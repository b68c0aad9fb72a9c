import Foundation
import TouchstoneCore

/// Parsed templates by the SHA-256 of their canonical JSON, so an upload does not re-parse
/// its template: a hash names one content for ever, so entries never go stale.
/// Thread-safe (a lock, never held across a suspension point); bounded.
final class TemplateCache: @unchecked Sendable {
    static let shared = TemplateCache()

    private let lock = NSLock()
    private var templates: [String: Template] = [:]
    private let capacity = 512

    /// The template cached under `hash`, if any.
    func template(hash: String) -> Template? {
        lock.lock()
        defer { lock.unlock() }
        return templates[hash]
    }

    /// Caches `template` under `hash` (the whole cache is dropped when full: templates are few).
    func store(_ template: Template, hash: String) {
        lock.lock()
        defer { lock.unlock() }
        if templates.count >= capacity { templates.removeAll(keepingCapacity: true) }
        templates[hash] = template
    }
}
