import ArgumentParser

/// `touchstone export audits|kpis|payouts --tenant T --period P`: CSV on stdout (formats.md "Exports").
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export CSV on stdout.", subcommands: [ExportKPIsCommand.self, ExportPayoutsCommand.self])
}
