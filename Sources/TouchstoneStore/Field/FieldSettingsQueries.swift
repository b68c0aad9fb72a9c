import PQ
public import TouchstoneCore

/// SQL for a tenant's field settings (`field_settings`; no row means the defaults): the
/// thresholds of the trust signals, the rotation interval and whether late visits are accepted.
public enum FieldSettingsQueries {
    /// A tenant's field settings.
    public struct Settings: Sendable, Equatable {
        /// The default longest edge of field-form photos, in pixels.
        public static let defaultPhotoMaxEdge = 1600
        /// The accepted range of ``photoMaxEdge``.
        public static let photoMaxEdgeRange = 200...8000

        public var trust: TrustSettings
        public var lateVisitsAccepted: Bool
        /// The longest edge, in pixels, the field form downscales photos to on the device.
        public var photoMaxEdge: Int

        public init(trust: TrustSettings = TrustSettings(), lateVisitsAccepted: Bool = false, photoMaxEdge: Int = defaultPhotoMaxEdge) {
            self.trust = trust
            self.lateVisitsAccepted = lateVisitsAccepted
            self.photoMaxEdge = photoMaxEdge
        }
    }

    /// The tenant's settings (the defaults when it never changed them).
    public static func get(tenant: Tenant, database: Database) async throws -> Settings {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in try get(conn) }
    }

    /// Stores `settings` for the tenant and returns them as stored.
    @discardableResult
    public static func set(tenant: Tenant, settings: Settings, database: Database) async throws -> Settings {
        try await database.tenantTransaction(tenant) { conn in
            let trust = settings.trust
            try conn.execute(
                """
                INSERT INTO field_settings AS f (tenant_id, max_distance_m, submission_hours, clock_skew_seconds, rotation_months, late_visits_accepted,
                                            photo_max_edge)
                VALUES (app_current_tenant(), \(Int(trust.maxDistanceMeters)), \(trust.submissionHours), \(trust.clockSkewSeconds),
                        \(trust.rotation.intervalMonths), \(settings.lateVisitsAccepted), \(settings.photoMaxEdge))
                ON CONFLICT (tenant_id) DO UPDATE
                SET max_distance_m = EXCLUDED.max_distance_m, submission_hours = EXCLUDED.submission_hours,
                    clock_skew_seconds = EXCLUDED.clock_skew_seconds, rotation_months = EXCLUDED.rotation_months,
                    late_visits_accepted = EXCLUDED.late_visits_accepted, photo_max_edge = EXCLUDED.photo_max_edge
                """)
            return try get(conn)
        }
    }

    /// The settings inside an open tenant transaction.
    static func get(_ conn: PQConnection) throws -> Settings {
        guard
            let row = try conn.queryFirst(
                """
                SELECT max_distance_m, submission_hours, clock_skew_seconds, rotation_months, late_visits_accepted, photo_max_edge
                FROM field_settings WHERE tenant_id = app_current_tenant()
                """)
        else { return Settings() }
        let (maxDistanceMeters, submissionHours, clockSkewSeconds, rotationMonths, lateVisitsAccepted, photoMaxEdge) =
            try row.decode((Int, Int, Int, Int, Bool, Int).self)
        let trust = TrustSettings(
            maxDistanceMeters: Double(maxDistanceMeters), submissionHours: submissionHours, clockSkewSeconds: clockSkewSeconds,
            rotation: RotationRules(intervalMonths: rotationMonths))
        return Settings(trust: trust, lateVisitsAccepted: lateVisitsAccepted, photoMaxEdge: photoMaxEdge)
    }
}
