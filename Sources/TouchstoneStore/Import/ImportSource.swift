import Foundation
import TouchstoneCore

/// The file an import reads: the given file when it is UTF-8, or a UTF-8 copy in the
/// temporary directory when it is GBK/GB18030 (``ImportText``). A file that is neither is
/// refused with the line of its first undecodable byte and how to save it as UTF-8.
struct ImportSource {
    /// What to read.
    let url: URL
    /// The file's encoding when it was converted; nil when it was UTF-8.
    let convertedFrom: ImportText.Encoding?

    /// Checks `file` (memory-mapped, not read into memory when it is UTF-8) and converts it if needed.
    static func open(_ file: URL) throws -> ImportSource {
        let data: Data
        do {
            data = try Data(contentsOf: file, options: .alwaysMapped)
        } catch {
            throw StoreError.invalid([Problem(path: file.path, message: "cannot open the file")])
        }
        let converted: [UInt8]?
        do {
            converted = try data.withUnsafeBytes { raw throws(ImportText.Undecodable) in
                try ImportText.utf8(raw.bindMemory(to: UInt8.self))
            }
        } catch let error as ImportText.Undecodable {
            throw StoreError.invalid([Problem.csv(line: error.line, column: nil, ImportText.Undecodable.advice)])
        }
        guard let converted else { return ImportSource(url: file, convertedFrom: nil) }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-import-\(UUID().uuidString).csv")
        try Data(converted).write(to: copy)
        return ImportSource(url: copy, convertedFrom: .gb18030)
    }

    /// Removes the converted copy, if there is one.
    func close() {
        if convertedFrom != nil { try? FileManager.default.removeItem(at: url) }
    }
}
