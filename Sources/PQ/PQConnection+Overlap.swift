extension PQConnection {
    /// Runs `query` on the server while `work` runs here, then waits for the statement: the
    /// client's computing and the server's writing overlap instead of taking turns (a batch
    /// inserts one chunk while it computes the next). A pipeline of one statement
    /// (``pipeline(_:while:)``, which says what happens when either side fails).
    /// - Returns: The rows the statement affected, and what `work` returned.
    public func execute<T>(_ query: Query, while work: () throws -> T) throws -> (affected: Int, value: T) {
        let (results, value) = try pipeline([query], while: work)
        return (results.first?.affectedRows ?? 0, value)
    }
}
