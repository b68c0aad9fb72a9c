/// The five service dimensions, in their stable reporting order.
public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// 有形度
    case tangibles
    /// 同理度
    case empathy
    /// 反应度
    case responsiveness
    /// 专业度
    case assurance
    /// 信赖度
    case reliability

    /// The Chinese name used in reports.
    public var chineseName: String {
        switch self {
        case .tangibles: return "有形度"
        case .empathy: return "同理度"
        case .responsiveness: return "反应度"
        case .assurance: return "专业度"
        case .reliability: return "信赖度"
        }
    }

    /// Position in `allCases`.
    public var order: Int { Dimension.allCases.firstIndex(of: self) ?? 0 }

    public static func < (a: Dimension, b: Dimension) -> Bool { a.order < b.order }
}
