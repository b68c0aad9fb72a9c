import TouchstoneCore
import TouchstoneStore

/// An audit's answers grouped by its template's sections, with points, section scores and
/// critical flags.
struct AuditSectionsView: Sendable {
    struct Item: Sendable {
        let code: String
        let text: String
        let answer: String
        let comment: String?
        let points: String
        let failed: Bool
        let critical: Bool
    }

    struct Section: Sendable {
        let code: String
        let name: String
        let dimension: String
        let score: String
        let items: [Item]
    }

    let sections: [Section]

    init(record: AuditRecord, template: Template, labels: [String: String]) {
        let answers = Dictionary(record.items.map { ($0.item, $0) }, uniquingKeysWith: { first, _ in first })
        let scores = Dictionary(record.sections.map { ($0.code, $0.score) }, uniquingKeysWith: { first, _ in first })
        sections = template.sections.map { section in
            Section(
                code: section.code, name: section.name,
                dimension: labels["dimension_\(section.dimension.rawValue)"] ?? section.dimension.rawValue,
                score: (scores[section.code] ?? nil) ?? "—",
                items: section.items.map { item in
                    let answered = answers[item.code]
                    return Item(
                        code: item.code, text: item.text, answer: answered.map { "\($0.answer)" } ?? "—", comment: answered?.comment,
                        points: answered.flatMap { a in a.earned.map { "\($0) / \(a.possible ?? "")" } } ?? "—",
                        failed: answered?.failed ?? false, critical: item.critical != nil && (answered?.failed ?? false))
                })
        }
    }
}
