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
