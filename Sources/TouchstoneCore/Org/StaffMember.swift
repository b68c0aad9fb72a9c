import Foundation

/// A staff member and their assignment history (who worked where, in which role, when).
public struct StaffMember: Sendable, Codable, Hashable {
    public var employeeNo: String
    public var name: String
    public var assignments: [Assignment]

    public init(employeeNo: String, name: String, assignments: [Assignment]) {
        self.employeeNo = employeeNo
        self.name = name
        self.assignments = assignments
    }

    /// Every problem with the fields and the history (overlaps included), with paths.
    public var problems: [Problem] {
        var problems: [Problem] = []
        if employeeNo.isEmpty { problems.append(Problem(path: "employeeNo", message: "must not be empty")) }
        if name.isEmpty { problems.append(Problem(path: "name", message: "must not be empty")) }
        for (index, assignment) in assignments.enumerated() {
            let path = "assignments[\(index)]"
            if assignment.role.isEmpty { problems.append(Problem(path: "\(path).role", message: "must not be empty")) }
            if let end = assignment.end, end < assignment.start {
                problems.append(Problem(path: "\(path).end", message: "is before start"))
            }
            if let bonus = assignment.targetBonus, bonus < 0 {
                problems.append(Problem(path: "\(path).targetBonus", message: "must be a non-negative decimal string"))
            }
        }
        let ordered = assignments.enumerated().sorted { $0.element.start < $1.element.start }
        for (previous, next) in zip(ordered, ordered.dropFirst())
        where previous.element.end.map({ $0 >= next.element.start }) ?? true {
            problems.append(
                Problem(
                    path: "assignments[\(next.offset)].start",
                    message: "overlaps assignments[\(previous.offset)] (\(previous.element.start)…\(previous.element.end?.description ?? "open"))"))
        }
        return problems
    }
}
