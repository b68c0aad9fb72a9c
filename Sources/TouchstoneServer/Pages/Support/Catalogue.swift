import Foundation

/// Every label of the pages in every ``Language``, from `Localization/<language>.json`
/// (flat objects of key → text). Both catalogues have the same keys (tested).
struct Catalogue: Sendable {
    let strings: [Language: [String: String]]

    /// Loads the catalogues bundled with the server.
    static func bundled() throws -> Catalogue {
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Localization") else {
                throw PageSetupError.missingResource("Localization/\(language.rawValue).json")
            }
            strings[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return Catalogue(strings: strings)
    }

    /// The labels of `language`.
    subscript(language: Language) -> [String: String] { strings[language] ?? [:] }
}

/// A resource of the pages missing from the installed bundle.
enum PageSetupError: Error, CustomStringConvertible {
    case missingResource(String)

    var description: String {
        switch self {
        case .missingResource(let name): "page resource \(name) is missing from the server's bundle"
        }
    }
}
