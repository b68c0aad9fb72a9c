import Foundation

/// A position on the earth in decimal degrees (WGS 84, as phones report it).
public struct GeoPoint: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double

    /// nil unless latitude is within ±90 and longitude within ±180.
    public init?(latitude: Double, longitude: Double) {
        guard (-90...90).contains(latitude), (-180...180).contains(longitude) else { return nil }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The great-circle distance in metres (haversine on a sphere of the earth's mean radius;
    /// within 0.5% of the ellipsoid, plenty for "was the auditor at the outlet").
    public func distance(to other: GeoPoint) -> Double {
        let radius = 6_371_008.8
        func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }
        let dLat = radians(other.latitude - latitude)
        let dLon = radians(other.longitude - longitude)
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(radians(latitude)) * cos(radians(other.latitude)) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * radius * asin(min(1, a.squareRoot()))
    }
}

extension GeoPoint {
    /// The JSON form `{"latitude": …, "longitude": …}`.
    public var jsonValue: JSONValue {
        .object([("latitude", .number(String(latitude))), ("longitude", .number(String(longitude)))])
    }

    /// Reads the position `key` of `reader` (`{"latitude", "longitude"}`, both required),
    /// adding problems at its paths; nil when absent or wrong.
    static func read(_ reader: ObjectReader, key: String) -> GeoPoint? {
        guard let position = reader.object(key) else { return nil }
        guard let latitude = position.decimal("latitude", required: true), let longitude = position.decimal("longitude", required: true)
        else { return nil }
        // Through the decimal text, so 31.2304 stays 31.2304 (NSDecimalNumber's doubleValue drifts in the last digits).
        let point = GeoPoint(
            latitude: Double(latitude.description) ?? NSDecimalNumber(decimal: latitude).doubleValue,
            longitude: Double(longitude.description) ?? NSDecimalNumber(decimal: longitude).doubleValue)
        if point == nil { reader.sink.add(position.path, "latitude must be within ±90 and longitude within ±180") }
        return point
    }
}
