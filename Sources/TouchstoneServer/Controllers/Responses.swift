import Hummingbird
import TouchstoneStore

// Store values returned by handlers are encoded as JSON responses.
extension Outlet: ResponseEncodable {}
extension StaffMember: ResponseEncodable {}
extension Page: ResponseEncodable {}
extension AuditReceipt: ResponseEncodable {}
extension AuditRecord: ResponseEncodable {}
extension EvidenceReceipt: ResponseEncodable {}
