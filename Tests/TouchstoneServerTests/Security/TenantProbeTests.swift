import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// targets.md "tenant isolation": every operation of docs/openapi.yaml, as every role, with
/// ids of another tenant, another region and another outlet. Operations whose path names a
/// record answer 403 or 404; the others may answer, but never with data across the boundary.
/// A new operation in the document without a probe here fails the test.
@Suite("Security: tenant, region and outlet probes")
struct TenantProbeTests {
    /// One request.
    struct Probe {
        let method: HTTPRequest.Method
        let uri: String
        let body: Data?
    }

    static let foreignAudit = "0f000000-0000-4000-8000-00000000f0f0"
    static let hiddenAudit = "0e000000-0000-4000-8000-00000000e0e0"
    static let foreignWebhook = "0d000000-0000-4000-8000-00000000d0d0"
    /// Strings that exist only in the other tenant: no response to anyone in acme may contain them.
    static let foreignMarkers = ["机密外店ZZ", "机密员工ZZ", "机密模板ZZ", "secret-shopper-zz"]
    /// Strings outside each scoped role's region/outlet/self.
    static let scopedMarkers: [String: [String]] = [
        "rm": ["西湖店", "张敏", "agency-99/hidden"],
        "om1": ["西湖店", "张敏", "徐汇服务中心", "agency-99/hidden"],
        "e8": ["西湖店", "张敏", "王芳", "agency-99/hidden"],
        "auditor": ["agency-99/hidden"],
    ]
    static let roles = ["admin", "analyst", "rm", "om1", "auditor", "e8"]
    /// Records of acme outside each scoped role's region, outlet or self.
    static let intraOutlets = ["rm": ["O3"], "om1": ["O2", "O3"], "e8": ["O3"]]
    static let intraStaff = ["rm": ["E9"], "om1": ["E9"], "e8": ["E7", "E9"]]
    static let intraAudits = ["rm": [hiddenAudit], "om1": [hiddenAudit], "e8": [hiddenAudit], "auditor": [hiddenAudit]]

    /// `METHOD /path` of every operation in the OpenAPI document.
    static func documentedOperations() throws -> [String] {
        let text = try String(contentsOf: TestDatabase.packageRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var operations: [String] = []
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("components:") { break }
            if let match = line.wholeMatch(of: /\ \ (\/\S*):/) {
                path = String(match.1)
            } else if let match = line.wholeMatch(of: /\ {4}(get|put|post|delete|patch):/), let path {
                operations.append("\(match.1.uppercased()) \(path)")
            }
        }
        return operations
    }

    /// The probes of each documented operation for `role`: the other tenant's ids, and for
    /// scoped roles also ids of acme outside their scope.
    static func probes(role: String, actions seeded: SeededActions = SeededActions(foreign: 1, hidden: 2)) throws -> [String: [Probe]] {
        func json(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }
        let actions = [seeded.foreign] + (intraOutlets[role] != nil ? [seeded.hidden] : [])
        let outlets = ["Z9"] + (intraOutlets[role] ?? [])
        let audits = [foreignAudit] + (intraAudits[role] ?? [])
        let staff = ["Z7"] + (intraStaff[role] ?? [])
        let document = try TestApp.document(template: "zz-visit", outlet: "Z9", servedBy: "Z7")
        let row: [String: Any] = [
            "response_id": "probe-1", "outlet_code": "Z9", "employee_no": "Z7", "responded_at": "2026-09-14T10:00:00+08:00", "sat": 5,
        ]
        let complaint = ["complaint_id": "probe-1", "outlet_code": "Z9", "severity": "high", "opened_at": "2026-09-14T10:00:00+08:00"]
        func get(_ uris: [String]) -> [Probe] { uris.map { Probe(method: .get, uri: $0, body: nil) } }
        return [
            "GET /health/live": get(["/health/live"]),
            "GET /health/ready": get(["/health/ready"]),
            "GET /metrics": get(["/metrics"]),
            "GET /openapi.yaml": get(["/openapi.yaml"]),
            "POST /api/v1/audits": [Probe(method: .post, uri: "/api/v1/audits", body: document)],
            "GET /api/v1/audits": get(outlets.map { "/api/v1/audits?outlet=\($0)" }),
            "POST /api/v1/audits/batch": [
                Probe(method: .post, uri: "/api/v1/audits/batch", body: Data("[\(String(decoding: document, as: UTF8.self))]".utf8))
            ],
            "GET /api/v1/audits/{id}": get(audits.map { "/api/v1/audits/\($0)" }),
            "PUT /api/v1/audits/{id}/attachments/{item}/{name}": audits.map {
                Probe(method: .put, uri: "/api/v1/audits/\($0)/attachments/P1/front.jpg", body: Data("test".utf8))
            },
            "GET /api/v1/audits/{id}/attachments/{item}/{name}": get(audits.map { "/api/v1/audits/\($0)/attachments/P1/front.jpg" }),
            "POST /api/v1/audits/{id}/review": try audits.map {
                Probe(method: .post, uri: "/api/v1/audits/\($0)/review", body: try json(["action": "release"]))
            },
            "POST /api/v1/audits/{id}/disputes": try audits.map {
                Probe(method: .post, uri: "/api/v1/audits/\($0)/disputes", body: try json(["items": [["item": "S1", "reason": "probe"]]]))
            },
            "POST /api/v1/audits/{id}/disputes/{item}/decision": try audits.map {
                Probe(method: .post, uri: "/api/v1/audits/\($0)/disputes/S1/decision", body: try json(["accept": false, "reason": "probe"]))
            },
            "GET /api/v1/exports/audits.csv": get([
                "/api/v1/exports/audits.csv?period=2026-09&template=zz-visit", "/api/v1/exports/audits.csv?period=2026-09",
            ]),
            "GET /api/v1/exports/kpis.csv": get(["/api/v1/exports/kpis.csv?period=2026-09"]),
            "GET /api/v1/exports/payouts.csv": get(["/api/v1/exports/payouts.csv?period=2026-09"]),
            "GET /api/v1/exports/audits.xlsx": get(["/api/v1/exports/audits.xlsx?period=2026-09&template=zz-visit"]),
            "GET /api/v1/exports/kpis.xlsx": get(["/api/v1/exports/kpis.xlsx?period=2026-09"]),
            "GET /api/v1/exports/payouts.xlsx": get(["/api/v1/exports/payouts.xlsx?period=2026-09"]),
            "GET /api/v1/kpis": get(["/api/v1/kpis"]),
            "POST /api/v1/kpis": [
                Probe(
                    method: .post, uri: "/api/v1/kpis",
                    body: try json([
                        [
                            "code": "ZZ", "metric": "audit_score", "template": "zz-visit", "direction": "higher", "threshold": 70, "target": 85,
                        ]
                    ]))
            ],
            "GET /api/v1/batch-runs": get(["/api/v1/batch-runs", "/api/v1/batch-runs?period=2026-09"]),
            "GET /api/v1/batch-schedule": get(["/api/v1/batch-schedule"]),
            "POST /api/v1/batch-runs": [Probe(method: .post, uri: "/api/v1/batch-runs", body: try json(["period": "2026-07"]))],
            "GET /api/v1/league": get(["/api/v1/league?period=2026-09&kpi=MS", "/api/v1/league?period=2026-09&kpi=MS&level=staff"]),
            "GET /api/v1/trend": get((outlets + staff).map { "/api/v1/trend?kpi=MS&subject=\($0)&through=2026-09" }),
            "GET /api/v1/outlets/{code}/profile": get(outlets.map { "/api/v1/outlets/\($0)/profile?period=2026-09" }),
            "GET /api/v1/warnings": get(["/api/v1/warnings?period=2026-09"]),
            "POST /api/v1/surveys": [Probe(method: .post, uri: "/api/v1/surveys", body: try json(["rows": [row]]))],
            "POST /api/v1/complaints": [Probe(method: .post, uri: "/api/v1/complaints", body: try json(["rows": [complaint]]))],
            "GET /api/v1/payouts": get(["/api/v1/payouts?period=2026-09"]),
            "GET /api/v1/payouts/{employeeNo}/explanation": get(staff.map { "/api/v1/payouts/\($0)/explanation?period=2026-09" }),
            "POST /api/v1/periods/{period}/approve": [Probe(method: .post, uri: "/api/v1/periods/2026-09/approve", body: nil)],
            "POST /api/v1/periods/{period}/close": [Probe(method: .post, uri: "/api/v1/periods/2026-09/close", body: nil)],
            "GET /api/v1/plans": get(["/api/v1/plans"]),
            "POST /api/v1/plans": [Probe(method: .post, uri: "/api/v1/plans", body: try Data(contentsOf: TestApp.sample("plan-sa.json")))],
            "GET /api/v1/templates": get(["/api/v1/templates"]),
            "POST /api/v1/templates": [Probe(method: .post, uri: "/api/v1/templates", body: try TestApp.template { $0["code"] = "probe-visit" })],
            "GET /api/v1/templates/{code}/{version}": get(["/api/v1/templates/zz-visit/1"]),
            "GET /api/v1/outlets": get(["/api/v1/outlets", "/api/v1/outlets?limit=1000"]),
            "POST /api/v1/outlets": [
                Probe(method: .post, uri: "/api/v1/outlets", body: try json(["code": "P1", "name": "probe", "regionPath": "华北/北京"]))
            ],
            "GET /api/v1/outlets/{code}": get(outlets.map { "/api/v1/outlets/\($0)" }),
            "PUT /api/v1/outlets/{code}": try outlets.map {
                Probe(method: .put, uri: "/api/v1/outlets/\($0)", body: try json(["code": $0, "name": "probe", "regionPath": "华东/上海/浦东"]))
            },
            "GET /api/v1/staff": get(["/api/v1/staff", "/api/v1/staff?limit=1000"]),
            "POST /api/v1/staff": [
                Probe(
                    method: .post, uri: "/api/v1/staff",
                    body: try json([
                        "employeeNo": "PZ1", "name": "probe", "assignments": [["outlet": "Z9", "role": "cashier", "start": "2026-01-01"]],
                    ]))
            ],
            "GET /api/v1/staff/{employeeNo}": get(staff.map { "/api/v1/staff/\($0)" }),
            "PUT /api/v1/staff/{employeeNo}": try staff.map {
                Probe(
                    method: .put, uri: "/api/v1/staff/\($0)",
                    body: try json([
                        "employeeNo": $0, "name": "probe", "assignments": [["outlet": "O1", "role": "cashier", "start": "2026-01-01"]],
                    ]))
            },
            "GET /api/v1/changes": get(["/api/v1/changes", "/api/v1/changes?entity=outlet&limit=1000"]),
            "GET /api/v1/visits": get([
                "/api/v1/visits", "/api/v1/visits?period=2026-09", "/api/v1/visits?auditor=secret-shopper-zz",
                "/api/v1/visits?auditor=auditor2",
            ]),
            "POST /api/v1/visits/assign": [Probe(method: .post, uri: "/api/v1/visits/assign?period=2026-09", body: nil)],
            "POST /api/v1/visits": [
                Probe(
                    method: .post, uri: "/api/v1/visits",
                    body: try json([
                        "id": "probe-v", "outlet": "Z9", "template": "zz-visit", "templateVersion": 1, "windowFrom": "2026-09-01",
                        "windowTo": "2026-09-30",
                    ]))
            ],
            "POST /api/v1/visits/{id}/cancel": [Probe(method: .post, uri: "/api/v1/visits/ZV-1/cancel", body: nil)],
            "POST /api/v1/visits/{id}/start": [Probe(method: .post, uri: "/api/v1/visits/ZV-1/start", body: nil)],
            "GET /api/v1/field/summary": get(["/api/v1/field/summary?period=2026-09"]),
            "GET /api/v1/webhooks": get(["/api/v1/webhooks"]),
            "POST /api/v1/webhooks": [Probe(method: .post, uri: "/api/v1/webhooks", body: try json(["url": "https://hooks.example.com/probe"]))],
            "DELETE /api/v1/webhooks/{id}": [Probe(method: .delete, uri: "/api/v1/webhooks/\(foreignWebhook)", body: nil)],
            "GET /api/v1/webhooks/{id}/deliveries": get(["/api/v1/webhooks/\(foreignWebhook)/deliveries"]),
            "POST /api/v1/webhooks/{id}/redeliver": [
                Probe(method: .post, uri: "/api/v1/webhooks/\(foreignWebhook)/redeliver", body: try json([String: String]()))
            ],
            "GET /api/v1/actions": get(["/api/v1/actions"] + outlets.map { "/api/v1/actions?outlet=\($0)" } + ["/api/v1/actions?region=西部"]),
            "POST /api/v1/actions": try outlets.map {
                Probe(method: .post, uri: "/api/v1/actions", body: try json(["outlet": $0, "title": "probe"]))
            },
            "GET /api/v1/actions/board": get(["/api/v1/actions/board"]),
            "GET /api/v1/actions/settings": get(["/api/v1/actions/settings"]),
            "PUT /api/v1/actions/settings": [
                Probe(method: .put, uri: "/api/v1/actions/settings", body: try json(["dueDays": [["source": "kpi", "severity": "low", "days": 30]]]))
            ],
            "GET /api/v1/actions/{id}": get(actions.map { "/api/v1/actions/\($0)" }),
            "POST /api/v1/actions/{id}/transitions": try actions.map {
                Probe(method: .post, uri: "/api/v1/actions/\($0)/transitions", body: try json(["step": "start"]))
            },
            "GET /api/v1/actions/{id}/evidence/{name}": get(actions.map { "/api/v1/actions/\($0)/evidence/probe.jpg" }),
            "GET /api/v1/exports/actions.csv": get(["/api/v1/exports/actions.csv", "/api/v1/exports/actions.csv?outlet=Z9"]),
            "GET /api/v1/exports/actions.xlsx": get(["/api/v1/exports/actions.xlsx"]),
            "GET /api/v1/complaints": get(["/api/v1/complaints"]),
            "POST /api/v1/complaints/cases": [
                Probe(method: .post, uri: "/api/v1/complaints/cases", body: try json(["outlet": "Z9", "severity": "high"]))
            ],
            "GET /api/v1/complaints/{id}": get(["/api/v1/complaints/ZC-1"]),
            "POST /api/v1/complaints/{id}/transitions": [
                Probe(method: .post, uri: "/api/v1/complaints/ZC-1/transitions", body: try json(["to": "assigned", "assignee": "probe"]))
            ],
        ]
    }

    @Test func everyOperationHasAProbe() throws {
        let documented = try Self.documentedOperations()
        #expect(documented.count > 30)
        let probed = Set(try Self.probes(role: "admin").keys)
        #expect(documented.filter { !probed.contains($0) } == [], "operations without a probe")
        #expect(probed.subtracting(documented).sorted() == [], "probes of operations the document does not have")
    }

    @Test func noRoleEverSeesAcrossTheBoundary() async throws {
        let app = try await TestApp.make()
        try await Self.seedOtherTenant(app)
        try await Self.seedHiddenAudit(app)
        let seeded = try await Self.seedActions(app)
        let documented = try Self.documentedOperations()
        let sent = try await app.run { api in
            var sent = 0
            for role in Self.roles {
                let probes = try Self.probes(role: role, actions: seeded)
                let markers = Self.foreignMarkers + (Self.scopedMarkers[role] ?? [])
                for operation in documented {
                    for probe in probes[operation] ?? [] {
                        let contentType: HTTPFields = probe.method == .put && probe.uri.contains("/attachments/") ? [.contentType: "image/jpeg"] : [:]
                        let response = try await api.send(probe.method, probe.uri, as: role, body: probe.body, headers: contentType)
                        sent += 1
                        let text = response.text
                        let label = "\(role) \(probe.method) \(probe.uri) → \(response.status.code)"
                        #expect(response.status.code < 500, "\(label): \(text.prefix(300))")
                        // An operation whose path names a record: only 403 or 404.
                        if operation.contains("{") {
                            #expect([403, 404].contains(response.status.code), "\(label): \(text.prefix(300))")
                        }
                        for marker in markers {
                            #expect(!text.contains(marker), "\(label) shows \(marker)")
                        }
                    }
                }
            }
            return sent
        }
        #expect(sent > 6 * documented.count)
    }

    /// Tenant `other`: outlet Z9, staff Z7, template zz-visit, an audit and a visit, all with marker names.
    static func seedOtherTenant(_ app: TestApp) async throws {
        let database = app.database
        let other = try await TestDatabase.createTenant(code: "other", in: database)
        _ = try await OutletQueries.save(
            tenant: other, outlet: Outlet(code: "Z9", name: "机密外店ZZ", regionPath: "西部/成都"), replace: false, database: database)
        _ = try await StaffQueries.save(
            tenant: other,
            member: StaffMember(
                employeeNo: "Z7", name: "机密员工ZZ",
                assignments: [
                    .init(outlet: "Z9", role: "service_advisor", start: CivilDate("2026-01-01")!)
                ]), replace: false, database: database)
        _ = try await TemplateQueries.add(
            tenant: other,
            json: try TestApp.template {
                $0["code"] = "zz-visit"
                $0["name"] = "机密模板ZZ"
            }, database: database)
        let document = try TestApp.sampleAudit { document in
            document["id"] = foreignAudit
            document["template"] = "zz-visit"
            document["outlet"] = "Z9"
            document["servedBy"] = "Z7"
            document["auditor"] = "secret-shopper-zz"
        }
        _ = try await AuditQueries.submit(tenant: other, document: document, submittedBy: "zz-admin", database: database)
        try await IdentityQueries.addUser(tenant: other, login: "secret-shopper-zz", displayName: nil, role: .auditor, database: database)
        // A webhook with a failed delivery (events.md), with a fixed id to probe.
        try await database.tenantTransaction(other) { conn in
            _ = try conn.execute(
                """
                INSERT INTO webhooks (tenant_id, id, url, secret, event_types, created_by)
                VALUES (app_current_tenant(), \(foreignWebhook)::uuid, 'https://secret-shopper-zz.example.com/hook', 'whsec_0123456789abcdef', '{}', 'zz-admin')
                """)
            try OutboxQueries.emit(.periodClosed(period: "2026-09", resultsHash: "secret-shopper-zz", by: "zz-admin", at: Date()), on: conn)
            _ = try conn.execute("UPDATE webhook_deliveries SET attempts = 1, last_error = 'secret-shopper-zz refused'")
        }
        try await importVisits(
            """
            ZV-1,Z9,zz-visit,1,2026-09-01,2099-12-31,secret-shopper-zz
            """, tenant: other, database: database)
        // A complaint case, with a fixed id to probe.
        _ = try await ComplaintCaseQueries.create(
            tenant: other, id: "ZC-1", outlet: "Z9", severity: .high, comment: "secret-shopper-zz was rude", actor: "zz-admin",
            database: database)
    }

    /// Imports visit rows (without the header) for `tenant`.
    static func importVisits(_ rows: String, tenant: Tenant, database: Database) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("probe-visits-\(UUID().uuidString).csv")
        try ("visit_id,outlet_code,template,template_version,window_from,window_to,auditor\n" + rows + "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await importCSV(.visits, file: file, tenant: tenant, database: database)
    }

    /// The ids of the corrective actions the probes name.
    struct SeededActions {
        /// Of the other tenant's outlet Z9.
        let foreign: Int64
        /// Of acme's O3 (outside every scoped role's view).
        let hidden: Int64
    }

    /// A corrective action of Z9 in the other tenant and one of O3 in acme, with evidence.
    static func seedActions(_ app: TestApp) async throws -> SeededActions {
        let other = try await TenantQueries.find(code: "other", on: app.database)
        var ids: [Int64] = []
        // The titles and bytes carry the markers no caller outside may see.
        for (tenant, outlet, marker) in [(other, "Z9", "secret-shopper-zz"), (app.tenant, "O3", "西湖店")] {
            let photo = ActionPhoto(name: "probe.jpg", contentType: "image/jpeg", content: Data(marker.utf8))
            let action = try await ActionQueries.open(
                tenant: tenant, ManualAction(outlet: outlet, title: "\(marker) door"), actor: "admin", database: app.database)
            _ = try await ActionQueries.transition(
                tenant: tenant, id: action.id, step: .submit, comment: "done", evidence: [photo], actor: "admin", database: app.database)
            ids.append(action.id)
        }
        return SeededActions(foreign: ids[0], hidden: ids[1])
    }

    /// In acme: an audit of O3 (region 华东/浙江) and a visit of O3, both by auditor2, outside every scoped role's view.
    static func seedHiddenAudit(_ app: TestApp) async throws {
        let document = try TestApp.sampleAudit { document in
            document["id"] = hiddenAudit
            document["outlet"] = "O3"
            document["servedBy"] = "E9"
            document["auditor"] = "agency-99/hidden"
        }
        _ = try await AuditQueries.submit(tenant: app.tenant, document: document, submittedBy: "auditor2", database: app.database)
        try await importVisits(
            """
            agency-99/hidden-visit,O3,demo-visit,1,2026-09-01,2099-12-31,auditor2
            """, tenant: app.tenant, database: app.database)
    }
}
