public import Hummingbird
import TouchstoneCore
public import TouchstoneStore

// Store values returned by handlers are encoded as JSON responses.
extension Outlet: ResponseEncodable {}
extension StaffMember: ResponseEncodable {}
extension ActionRecord: ResponseEncodable {}
extension ComplaintCase: ResponseEncodable {}
extension Page: ResponseGenerator where Item: Encodable {}
extension Page: ResponseEncodable where Item: Encodable {}
extension PeriodStatus: ResponseEncodable {}
extension PlanAddResult: ResponseEncodable {}
extension AuditReceipt: ResponseEncodable {}
extension AuditRecord: ResponseEncodable {}
extension EvidenceReceipt: ResponseEncodable {}
