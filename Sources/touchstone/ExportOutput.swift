import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `--format csv|xlsx --output FILE` of the exports: CSV (the default) on stdout or in FILE,
/// or an .xlsx workbook in FILE (formats.md "Exports", exports.md "Workbooks").
struct ExportOutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, xlsx
    }

    @Option(help: "csv (default) or xlsx.") var format: Format = .csv
    @Option(help: "Write to this file (required for xlsx; csv goes to stdout without it).") var output: String?

    func validate() throws {
        if format == .xlsx && output == nil { throw ValidationError("--format xlsx needs --output FILE") }
    }

    /// Runs `produce` into the chosen writer: CSV lines to stdout or the file (with `excel`,
    /// the byte order mark and neutralised fields of `--excel`), or a workbook with sheet
    /// `sheet` and an About sheet describing the `export` of `period`.
    func write(
        export: String, sheet: String, tenant: Tenant, period: Period, database: Database,
        excel: Bool = false, produce: (any ExportRows) async throws -> Void
    ) async throws {
        switch format {
        case .csv:
            let handle = try output.map(openForWriting) ?? FileHandle.standardOutput
            defer { if output != nil { try? handle.close() } }
            try await produce(CSVRows(spreadsheet: excel, prefix: excel ? PayoutExport.byteOrderMark : "") { handle.write(Data($0.utf8)) })
        case .xlsx:
            let workbook = try WorkbookRows(path: output!, sheet: sheet)
            try await produce(workbook)
            try workbook.finish(about: try await ExportAbout.load(export: export, tenant: tenant, period: period, database: database))
        }
    }

    private func openForWriting(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write \(path)")
        }
        return handle
    }
}
