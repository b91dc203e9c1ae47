import Foundation

/// One observation of a feed (DESIGN.md §4): `{feed, key, at}` identifies it; the caller adds `fetchedAt`.
public struct Reading: Sendable, Equatable {
    public var feed: String
    public var key: String
    public var at: Date
    public var values: [String: Double]
    public var tags: [String: String]
    public var geo: GeoPoint?

    public init(feed: String, key: String, at: Date, values: [String: Double],
                tags: [String: String] = [:], geo: GeoPoint? = nil) {
        self.feed = feed
        self.key = key
        self.at = at
        self.values = values
        self.tags = tags
        self.geo = geo
    }
}

/// A WGS 84 position in degrees.
public struct GeoPoint: Sendable, Equatable {
    public var lon: Double
    public var lat: Double

    public init(lon: Double, lat: Double) {
        self.lon = lon
        self.lat = lat
    }

    /// A point only when both coordinates are finite and in range.
    public init?(validatingLon lon: Double, lat: Double) {
        guard lon.isFinite, lat.isFinite, (-180...180).contains(lon), (-90...90).contains(lat) else { return nil }
        self.init(lon: lon, lat: lat)
    }
}
