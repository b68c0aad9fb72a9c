/// Who the change log names for the store operations of the current task.
///
/// ``Database/tenantTransaction(_:readOnly:_:)`` passes it to PostgreSQL as `app.actor`,
/// which the change-log triggers (sql/0040) record with every changed row. The daemon binds
/// the authenticated principal's login around each request; the command line binds
/// `cli:<os user>` (``commandLine(user:)``). Unbound, the database names its login role.
public enum ChangeActor {
    /// The actor of the current task, if one is bound.
    @TaskLocal public static var current: String?

    /// The command line's actor for the operating-system user `user`.
    public static func commandLine(user: String) -> String { "cli:\(user)" }
}
