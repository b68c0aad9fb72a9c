import PQ

extension PQConnection {
    /// Brings the planner's statistics of `tables` up to date inside the importing transaction
    /// when the import changed more rows of the first (`changed`) than autovacuum would wait for
    /// (sql/0400), so a batch run right after a large import is planned on what is there.
    /// - Returns: Whether the tables were analysed.
    @discardableResult
    func analyzeAfterImport(_ tables: [String], changed: Int) throws -> Bool {
        try queryFirst("SELECT app_analyze_after_import(\(tables)::text[], \(changed))")!.decode(0, as: Bool.self)
    }
}
