import PQ

/// Join methods a statement may be kept from when the planner's estimates are known to mislead it.
enum PlannerMethod: String {
    case nestedLoops = "enable_nestloop"
    case hashJoins = "enable_hashjoin"
}

extension PQConnection {
    /// Runs `body` with the planner's `method` off for its statements (`SET LOCAL`), then back to
    /// the default. Say at the call why the estimates mislead it there, with the measurement.
    func without<T>(_ method: PlannerMethod, _ body: () throws -> T) throws -> T {
        // The setting's name is a constant of `PlannerMethod`, spliced as SQL text.
        try execute("SET LOCAL \(unsafeRaw: method.rawValue) = off")
        let value = try body()
        try execute("SET LOCAL \(unsafeRaw: method.rawValue) TO DEFAULT")
        return value
    }
}
