/// One validation problem: where (`sections[1].items[0].points`, `answers.S1`) and what.
public struct Problem: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Path of the offending value; empty for the document itself.
    public var path: String
    /// Human-readable message.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A failed validation listing every problem found at once.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// All problems, in document order.
    public var problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    /// A failure with a single problem.
    public init(path: String, message: String) { problems = [Problem(path: path, message: message)] }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
