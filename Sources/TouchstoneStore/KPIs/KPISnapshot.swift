import Foundation
import TouchstoneCore

/// The KPI definitions one batch run computed with: the stored JSON array (recorded in the
/// job's `inputs.kpis`) and the definitions parsed from it, so a later recomputation of
/// the period uses exactly what the run used.
struct KPISnapshot: Sendable {
    /// The JSON array, ordered by code.
    let json: String
    let definitions: [KPIDefinition]

    /// Parses a recorded array.
    /// - Throws: ``StoreError/invalidState(_:)`` when it no longer parses.
    init(json: String) throws {
        self.json = json
        do {
            definitions = try KPIDefinition.parseList(json: Data(json.utf8))
        } catch {
            throw StoreError.invalidState("recorded KPI definitions no longer parse: \(error)")
        }
    }

    /// The definitions by code.
    var byCode: [String: KPIDefinition] {
        Dictionary(uniqueKeysWithValues: definitions.map { ($0.code, $0) })
    }
}
