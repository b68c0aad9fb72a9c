import DecimalText
public import Foundation

/// One assignment of a person: outlet and role from `start` to `end` (inclusive, nil = open).
/// The staff history and the payout read the same type.
public struct Assignment: Sendable, Hashable, Codable {
    public var outlet: String
    public var role: String
    public var start: CivilDate
    public var end: CivilDate?
    /// Full-period target bonus of this assignment, in the tenant currency.
    public var targetBonus: Decimal?

    public init(outlet: String, role: String, start: CivilDate, end: CivilDate? = nil, targetBonus: Decimal? = nil) {
        self.outlet = outlet
        self.role = role
        self.start = start
        self.end = end
        self.targetBonus = targetBonus
    }

    private enum CodingKeys: String, CodingKey {
        case outlet, role, start, end, targetBonus
    }

    /// Money travels as a decimal string in JSON (`"2000.00"`), never as a binary number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        outlet = try container.decode(String.self, forKey: .outlet)
        role = try container.decode(String.self, forKey: .role)
        start = try container.decode(CivilDate.self, forKey: .start)
        end = try container.decodeIfPresent(CivilDate.self, forKey: .end)
        targetBonus = try container.decodeIfPresent(String.self, forKey: .targetBonus).map { text in
            guard let value = Decimal(exactly: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .targetBonus, in: container, debugDescription: "must be a non-negative decimal string")
            }
            return value
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outlet, forKey: .outlet)
        try container.encode(role, forKey: .role)
        try container.encode(start, forKey: .start)
        try container.encodeIfPresent(end, forKey: .end)
        try container.encodeIfPresent(targetBonus?.plainText, forKey: .targetBonus)
    }
}
