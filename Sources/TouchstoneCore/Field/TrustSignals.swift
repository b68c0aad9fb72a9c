public import Foundation

/// A reason to doubt an audit, computed when it arrives and shown in review, exports (`flags`,
/// `;`-separated codes) and the API. A flagged audit is never released automatically.
public enum TrustFlag: String, Sendable, Hashable, CaseIterable, Codable {
    /// A photo's bytes (sha256) were already attached to another audit.
    case photoReused = "photo_reused"
    /// The device's position was further from the outlet than the tenant allows.
    case farFromOutlet = "far_from_outlet"
    /// The visit was made outside its planned window (accepted as late).
    case outsideWindow = "outside_window"
    /// The visit took less time than the template's minimum.
    case tooShort = "too_short"
    /// The audit arrived more than the allowed hours after the end of the visit its device recorded.
    case lateSubmission = "late_submission"
    /// The auditor visited the same outlet within the rotation interval.
    case rotation
    /// Every item of a section of at least three rated items got the same answer.
    case straightLining = "straight_lining"
    /// The device's clock differed from the server's by more than the tolerance.
    case clockSkew = "clock_skew"

    /// The codes as an export cell: `photo_reused;too_short`.
    public static func cell(_ flags: [TrustFlag]) -> String { flags.map(\.rawValue).joined(separator: ";") }
}

/// A tenant's thresholds for the trust signals.
public struct TrustSettings: Sendable, Hashable, Codable {
    /// Furthest the recorded position may be from the outlet, in metres.
    public var maxDistanceMeters: Double
    /// Longest time from the end of the visit to its arrival, in hours.
    public var submissionHours: Int
    /// Largest difference between the device's clock and the server's, in seconds.
    public var clockSkewSeconds: Int
    /// The rotation interval (shared with auto-assignment).
    public var rotation: RotationRules

    /// The defaults: 500 m, 48 hours, 5 minutes, 6 months.
    public init(maxDistanceMeters: Double = 500, submissionHours: Int = 48, clockSkewSeconds: Int = 300, rotation: RotationRules = RotationRules()) {
        self.maxDistanceMeters = maxDistanceMeters
        self.submissionHours = submissionHours
        self.clockSkewSeconds = clockSkewSeconds
        self.rotation = rotation
    }
}

/// What the device recorded about the visit; every field is optional (an API upload from an
/// agency's system may carry none of them).
public struct VisitTrace: Sendable, Hashable {
    public var startedAt: Date?
    public var endedAt: Date?
    public var position: GeoPoint?
    /// The device's clock when it sent the audit.
    public var deviceSentAt: Date?

    public init(startedAt: Date? = nil, endedAt: Date? = nil, position: GeoPoint? = nil, deviceSentAt: Date? = nil) {
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.position = position
        self.deviceSentAt = deviceSentAt
    }

    /// The JSON form (`device` in an audit document): instants in UTC, only what was recorded.
    public var jsonValue: JSONValue {
        let utc = TimeZone(secondsFromGMT: 0)!
        var members: [(key: String, value: JSONValue)] = []
        if let startedAt { members.append(("startedAt", .string(Instant.format(startedAt, in: utc)))) }
        if let endedAt { members.append(("endedAt", .string(Instant.format(endedAt, in: utc)))) }
        if let position { members.append(("position", position.jsonValue)) }
        if let deviceSentAt { members.append(("sentAt", .string(Instant.format(deviceSentAt, in: utc)))) }
        return .object(members)
    }

    /// Reads `device` of an audit document, adding problems at `device.…` paths.
    static func parse(_ reader: ObjectReader) -> VisitTrace {
        func instant(_ key: String) -> Date? {
            guard let text = reader.string(key) else { return nil }
            do { return try Instant.parse(text, path: joinPath(reader.path, key)) } catch {
                reader.sink.problems.append(contentsOf: error.problems)
                return nil
            }
        }
        var trace = VisitTrace(startedAt: instant("startedAt"), endedAt: instant("endedAt"), deviceSentAt: instant("sentAt"))
        if let started = trace.startedAt, let ended = trace.endedAt, ended < started {
            reader.sink.add(joinPath(reader.path, "endedAt"), "is before startedAt")
        }
        trace.position = GeoPoint.read(reader, key: "position")
        return trace
    }
}

/// Everything the trust signals look at for one arriving audit; the store gathers the facts
/// that need the database (reused photos, earlier visits, the outlet's position).
public struct TrustFacts: Sendable {
    public var audit: AuditDocument
    public var template: Template
    public var trace: VisitTrace
    /// When the server received the audit.
    public var receivedAt: Date
    /// The day of the visit in the tenant's time zone.
    public var visitDay: CivilDate
    public var outletPosition: GeoPoint?
    /// The window of the visit the audit names, if it names one.
    public var window: (start: Date, end: Date)?
    /// The template's minimum visit length in minutes, if it sets one.
    public var minimumMinutes: Int?
    /// How many of the audit's photos were already attached to other audits.
    public var reusedPhotos: Int
    /// Days of the same auditor's other audits of the same outlet.
    public var earlierVisits: [CivilDate]

    public init(
        audit: AuditDocument, template: Template, trace: VisitTrace, receivedAt: Date, visitDay: CivilDate,
        outletPosition: GeoPoint? = nil, window: (start: Date, end: Date)? = nil, minimumMinutes: Int? = nil,
        reusedPhotos: Int = 0, earlierVisits: [CivilDate] = []
    ) {
        self.audit = audit
        self.template = template
        self.trace = trace
        self.receivedAt = receivedAt
        self.visitDay = visitDay
        self.outletPosition = outletPosition
        self.window = window
        self.minimumMinutes = minimumMinutes
        self.reusedPhotos = reusedPhotos
        self.earlierVisits = earlierVisits
    }
}

/// The trust signals: which ``TrustFlag``s an arriving audit raises.
public enum TrustSignals {
    /// The flags `facts` raise under `settings`, in ``TrustFlag`` declaration order. A signal
    /// whose facts are missing (no position recorded, no window) is not raised.
    public static func flags(_ facts: TrustFacts, settings: TrustSettings) -> [TrustFlag] {
        var raised: Set<TrustFlag> = []
        if facts.reusedPhotos > 0 { raised.insert(.photoReused) }
        if let position = facts.trace.position, let outlet = facts.outletPosition, position.distance(to: outlet) > settings.maxDistanceMeters {
            raised.insert(.farFromOutlet)
        }
        if let window = facts.window, !(facts.audit.visitedAt >= window.start && facts.audit.visitedAt < window.end) {
            raised.insert(.outsideWindow)
        }
        if let minimum = facts.minimumMinutes, let start = facts.trace.startedAt, let end = facts.trace.endedAt,
            end.timeIntervalSince(start) < Double(minimum * 60)
        {
            raised.insert(.tooShort)
        }
        if let visitEnd = facts.trace.endedAt, facts.receivedAt.timeIntervalSince(visitEnd) > Double(settings.submissionHours * 3600) {
            raised.insert(.lateSubmission)
        }
        if facts.earlierVisits.contains(where: { settings.rotation.tooClose($0, facts.visitDay) }) { raised.insert(.rotation) }
        if straightLined(facts.audit, template: facts.template) { raised.insert(.straightLining) }
        if let device = facts.trace.deviceSentAt, abs(device.timeIntervalSince(facts.receivedAt)) > Double(settings.clockSkewSeconds) {
            raised.insert(.clockSkew)
        }
        return TrustFlag.allCases.filter(raised.contains)
    }

    /// Whether some section has at least three rated items (scale or choice) answered, not N/A,
    /// all with the same answer. Yes/no items do not count: an outlet that passes every check
    /// is what the checklist asks for, not a sign of a careless auditor.
    public static func straightLined(_ audit: AuditDocument, template: Template) -> Bool {
        template.sections.contains { section in
            let answers = section.items.filter { $0.type == .scale || $0.type == .choice }.compactMap { item -> Answer? in
                guard let answer = audit.answers[item.code], answer != .na else { return nil }
                return answer
            }
            return answers.count >= 3 && Set(answers).count == 1
        }
    }
}
