public import ArgumentParser
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

extension Role: ExpressibleByArgument {}

/// `touchstone user add …`: users of a chain, with their role and scope.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Add.self, Password.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")

        @Argument(help: "Login name.") var login: String
        @Option(help: "The tenant code.") var tenant: String
        @Option(help: "admin, analyst, region_manager, outlet_manager, auditor or staff.") var role: Role
        @Option(help: "Display name (default: the login).") var name: String?
        @Option(help: "Region path, for a region manager (optional for an auditor: visits only inside it).") var region: String?
        @Option(help: "Outlet code, for an outlet manager.") var outlet: String?
        @Option(help: "Employee number, for a staff user (optional for an auditor: never sent where that employee works).") var employee: String?
        @Flag(help: "Read the user's page password from the first line of stdin.") var passwordStdin = false
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let hash = try passwordStdin ? Password.readHash() : nil
                try await options.withTenant(tenant) { database, tenant in
                    try await IdentityQueries.addUser(
                        tenant: tenant, login: login, displayName: name, role: role,
                        regionPath: region, outletCode: outlet, employeeNo: employee, database: database)
                    if let hash { try await SessionQueries.setPasswordHash(tenant: tenant, login: login, hash: hash, database: database) }
                }
                print("added user \(login) (\(role.rawValue))")
            }
        }
    }

    /// `touchstone user password LOGIN --tenant T`: sets the page password from stdin (never an argument,
    /// which would show in the process list and shell history).
    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's page password, read from the first line of stdin.")

        @Argument(help: "Login name.") var login: String
        @Option(help: "The tenant code.") var tenant: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let hash = try Self.readHash()
                try await options.withTenant(tenant) { database, tenant in
                    try await SessionQueries.setPasswordHash(tenant: tenant, login: login, hash: hash, database: database)
                }
                print("password set for \(login)")
            }
        }

        /// The bcrypt hash of the password on stdin's first line.
        static func readHash() throws -> String {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("no password on stdin")
            }
            if let weakness = Passwords.weakness(of: password) { throw ValidationError(weakness) }
            return Passwords.hash(password)
        }
    }
}

/// `touchstone token create|revoke …`: API tokens, shown once and stored only as hashes.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for a user; it is printed once.")

        @Option(help: "The tenant code.") var tenant: String
        @Option(help: "The user's login.") var user: String
        @Option(help: "Days until it expires.") var days = 90
        @Option(help: "A label to recognise it by.") var label: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let (id, token) = try await options.withTenant(tenant) { database, tenant in
                    return try await IdentityQueries.createToken(tenant: tenant, login: user, label: label, days: days, database: database)
                }
                printError("token \(id) for \(user), valid \(days) days (shown only now):")
                print(token)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")

        @Argument(help: "The token id.") var id: Int64
        @Option(help: "The tenant code.") var tenant: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                try await options.withTenant(tenant) { database, tenant in
                    try await IdentityQueries.revokeToken(tenant: tenant, id: id, database: database)
                }
                print("revoked token \(id)")
            }
        }
    }
}
