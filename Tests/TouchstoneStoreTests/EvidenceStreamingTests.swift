import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Evidence streams through the store a part at a time: declaration first, body in binary
/// parts joined by PostgreSQL, read back in binary slices, nothing left behind.
@Suite struct EvidenceStreamingTests {
    /// Two and a half parts and a few bytes, so parts and slices both split it unevenly.
    static let bytes = Data((0..<(5 * EvidenceUpload.partSize / 2 + 7)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) })

    static func sha256(_ f: AuditFixture, _ bytes: Data) async throws -> String {
        try await f.database.pool.withConnection { conn in
            try conn.queryFirst("SELECT encode(sha256(\(PQBytes(bytes))::bytea), 'hex')")!.decode(0, as: String.self)
        }
    }

    static func parts(_ f: AuditFixture) async throws -> Int {
        try await TestDatabase.asSuperuser(of: f.database.pool.configuration) { conn in
            try conn.queryFirst("SELECT count(*) FROM audit_evidence_parts")!.decode(0, as: Int.self)
        }
    }

    static func declare(_ f: AuditFixture, sha256: String) async throws -> String {
        let id = UUID().uuidString.lowercased()
        _ = try await f.submit(
            try AuditFixture.document(
                id: id,
                attachments: [
                    ["item": "P1", "name": "big.jpg", "sha256": sha256, "contentType": "image/jpeg", "size": bytes.count]
                ]))
        return id
    }

    @Test func aStreamedUploadIsJoinedFromPartsAndReadBackInSlices() async throws {
        let f = try await AuditFixture.make()
        let sha = try await Self.sha256(f, Self.bytes)
        let id = try await Self.declare(f, sha256: sha)
        var upload = try await EvidenceUpload.begin(
            tenant: f.tenant, auditID: id, item: "P1", name: "big.jpg", maxSize: 20 << 20, database: f.database)
        var offset = 0
        while offset < Self.bytes.count {
            let end = min(offset + 65_549, Self.bytes.count)
            try await upload.write(Data(Self.bytes[offset..<end]))
            offset = end
        }
        let receipt = try await upload.finish(actor: "agency-07")
        #expect(receipt.size == Self.bytes.count)
        #expect(try await Self.parts(f) == 0)
        let file = try await AuditQueries.evidenceFile(tenant: f.tenant, auditID: id, item: "P1", name: "big.jpg", database: f.database)
        #expect(file.size == Self.bytes.count && file.sha256 == sha)
        var read = Data()
        while read.count < file.size {
            read += try await AuditQueries.evidenceSlice(tenant: f.tenant, file: file, offset: read.count, length: 1 << 20, database: f.database)
        }
        #expect(read == Self.bytes)
    }

    @Test func theDeclarationIsCheckedFirstAndAFailedUploadLeavesNothing() async throws {
        let f = try await AuditFixture.make()
        let sha = try await Self.sha256(f, Self.bytes)
        let id = try await Self.declare(f, sha256: sha)
        await #expect {
            _ = try await EvidenceUpload.begin(tenant: f.tenant, auditID: id, item: "P1", name: "other.jpg", maxSize: 20 << 20, database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["attachments"]
        }
        await #expect {
            _ = try await EvidenceUpload.begin(
                tenant: f.tenant, auditID: id, item: "P1", name: "big.jpg", maxSize: 20 << 20,
                scope: .submitter("someone-else"), database: f.database)
        } throws: { error in
            if case StoreError.notFound = error { return true } else { return false }
        }
        await #expect {
            _ = try await EvidenceUpload.begin(tenant: f.tenant, auditID: id, item: "P1", name: "big.jpg", maxSize: 1 << 20, database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["size"]
        }
        // Other bytes of the declared size: refused at the end, and their parts removed.
        var upload = try await EvidenceUpload.begin(
            tenant: f.tenant, auditID: id, item: "P1", name: "big.jpg", maxSize: 20 << 20, database: f.database)
        try await upload.write(Data(repeating: 1, count: Self.bytes.count))
        #expect(try await Self.parts(f) == 1)
        await #expect {
            _ = try await upload.finish(actor: "agency-07")
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["sha256"]
        }
        await upload.abandon()
        #expect(try await Self.parts(f) == 0)
        // More bytes than declared stop the upload as soon as they arrive.
        var long = try await EvidenceUpload.begin(tenant: f.tenant, auditID: id, item: "P1", name: "big.jpg", maxSize: 20 << 20, database: f.database)
        await #expect {
            try await long.write(Data(repeating: 2, count: Self.bytes.count + 1))
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["size"]
        }
        await long.abandon()
        #expect(try await AuditQueries.get(tenant: f.tenant, id: id, database: f.database).attachments.first?.received == false)
        // A declaration stored before the type rule (here HTML) takes no bytes.
        try await TestDatabase.asSuperuser(of: f.database.pool.configuration) { conn in
            _ = try conn.execute("UPDATE audit_attachments SET content_type = 'text/html' WHERE audit_id = \(id)::uuid")
        }
        await #expect {
            _ = try await EvidenceUpload.begin(tenant: f.tenant, auditID: id, item: "P1", name: "big.jpg", maxSize: 20 << 20, database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["contentType"]
        }
    }
}
