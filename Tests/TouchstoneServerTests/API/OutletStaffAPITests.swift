import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneStore

@Suite("HTTP: outlets and staff")
struct OutletStaffAPITests {
    @Test func outletsListGetCreateUpdateWithinScope() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let first = try await api.send(.get, "/api/v1/outlets?limit=2", as: "admin").json
            #expect((first["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["O1", "O2"])
            let next = try #require(first["next"] as? String)
            #expect(next == "O2")
            let second = try await api.send(.get, "/api/v1/outlets?limit=2&after=\(next)", as: "admin").json
            #expect((second["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["O3"])
            #expect(second["next"] == nil)

            let region = try await api.send(.get, "/api/v1/outlets", as: "rm").json
            #expect((region["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["O1", "O2"])
            #expect(try await api.send(.get, "/api/v1/outlets/O3", as: "rm").status == .notFound)
            let o1 = try await api.send(.get, "/api/v1/outlets/O1", as: "rm")
            #expect(o1.json["regionPath"] as? String == "华东/上海/浦东")
            #expect(try await api.send(.get, "/api/v1/outlets?limit=0", as: "admin").status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/outlets", as: "e8").status == .forbidden)

            let new = ["code": "O4", "name": "静安店", "type": "dealer", "regionPath": "华东/上海/静安", "city": "上海"]
            #expect(try await api.send(.post, "/api/v1/outlets", as: "analyst", json: new).status == .forbidden)
            #expect(try await api.send(.post, "/api/v1/outlets", as: "admin", json: new).status == .created)
            #expect(try await api.send(.post, "/api/v1/outlets", as: "admin", json: new).status == .conflict)
            let renamed = try await api.send(
                .put, "/api/v1/outlets/O4", as: "admin", json: ["code": "O4", "name": "静安旗舰店", "regionPath": "华东/上海/静安"])
            #expect(renamed.status == .ok)
            #expect(renamed.json["name"] as? String == "静安旗舰店")
            let seen = try await api.send(.get, "/api/v1/outlets", as: "rm").json
            #expect((seen["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["O1", "O2", "O4"])
            let wrongType = try await api.send(.post, "/api/v1/outlets", as: "admin", json: ["code": 5, "name": "x", "regionPath": "华东"])
            #expect(wrongType.status == .badRequest)
            let moved = try await api.send(.put, "/api/v1/outlets/O4", as: "admin", json: ["code": "O4", "name": "新店二", "regionPath": "华南/深圳"])
            #expect(moved.status == .ok)
            let o4 = try await api.send(.get, "/api/v1/outlets/O4", as: "admin").json
            #expect(o4["name"] as? String == "新店二")
            #expect(o4["regionPath"] as? String == "华南/深圳")
        }
    }

    @Test func staffListGetCreateUpdateWithinScope() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            func listed(_ user: String, _ query: String = "") async throws -> [String] {
                let page = try await api.send(.get, "/api/v1/staff" + query, as: user).json
                return (page["items"] as? [[String: Any]] ?? []).compactMap { $0["employeeNo"] as? String }
            }
            #expect(try await listed("admin") == ["E7", "E8", "E9"])
            #expect(try await listed("admin", "?limit=1") == ["E7"])
            #expect(try await listed("rm") == ["E7", "E8"])
            #expect(try await listed("om2") == ["E7"])
            #expect(try await listed("e8") == ["E8"])
            #expect(try await api.send(.get, "/api/v1/staff/E9", as: "rm").status == .notFound)
            let e7 = try await api.send(.get, "/api/v1/staff/E7", as: "om1").json
            #expect((e7["assignments"] as? [[String: Any]])?.count == 2)

            let member: [String: Any] = [
                "employeeNo": "E10", "name": "赵磊",
                "assignments": [["outlet": "O3", "role": "service_advisor", "start": "2026-01-01", "targetBonus": "1500.00"]],
            ]
            #expect(try await api.send(.post, "/api/v1/staff", as: "rm", json: member).status == .forbidden)
            let overlapping: [String: Any] = [
                "employeeNo": "N1", "name": "新人",
                "assignments": [
                    ["outlet": "O3", "role": "cashier", "start": "2026-01-01", "end": "2026-03-31"],
                    ["outlet": "O1", "role": "cashier", "start": "2026-03-01"],
                ],
            ]
            let overlappingNew = try await api.send(.post, "/api/v1/staff", as: "admin", json: overlapping)
            #expect(overlappingNew.status == .unprocessableContent)
            #expect(overlappingNew.text.contains("assignments[1].start"))
            #expect(try await api.send(.post, "/api/v1/staff", as: "admin", json: member).status == .created)
            var moved = member
            moved["assignments"] = [
                ["outlet": "O3", "role": "service_advisor", "start": "2026-01-01", "end": "2026-06-30"],
                ["outlet": "O1", "role": "service_advisor", "start": "2026-06-15"],
            ]
            let overlap = try await api.send(.put, "/api/v1/staff/E10", as: "admin", json: moved)
            #expect(overlap.status == .unprocessableContent)
            #expect(overlap.problemPaths == ["assignments[1].start"])
            moved["assignments"] = [
                ["outlet": "O3", "role": "service_advisor", "start": "2026-01-01", "end": "2026-06-30"],
                ["outlet": "O1", "role": "service_advisor", "start": "2026-07-01"],
            ]
            #expect(try await api.send(.put, "/api/v1/staff/E10", as: "admin", json: moved).status == .ok)
            #expect(try await listed("om1").contains("E10"))
        }
    }
}
