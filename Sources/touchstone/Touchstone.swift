import ArgumentParser
import TouchstoneServer

/// `touchstone`: the daemon and the head-office commands (formats.md "Command line").
@main
struct Touchstone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchstone",
        abstract: "Service-quality platform for chains: audits, KPIs and performance bonuses.",
        discussion: """
            Database: --database "conninfo or postgresql:// URI", or the PG* environment variables / DATABASE_URL. \
            With none given, an embedded PostgreSQL cluster under ./.touchstone/ (or $TOUCHSTONE_HOME) is created and started.
            """,
        version: BuildInfo.version,
        subcommands: [
            ServeCommand.self,
            MigrateCommand.self,
            DemoCommand.self,
            TenantCommand.self,
            ImportCommand.self,
            TemplateCommand.self,
            ExportCommand.self,
            UserCommand.self,
            TokenCommand.self,
            GenerateCommand.self,
            DevCommand.self,
            KPICommand.self,
            BatchCommand.self,
            WarningsCommand.self,
            PlanCommand.self,
            ExplainCommand.self,
            PeriodCommand.self,
            ChangesCommand.self,
            VisitsCommand.self,
            WebhooksCommand.self,
        ]
    )
}
