import Foundation

/// USGS Earthquake Hazards Program: earthquakes of the past hour worldwide (GeoJSON summary feed).
public struct USGSFeed: Feed {
    public let id = "usgs"
    public let title = "Earthquakes (USGS)"
    public let description = "Earthquakes and other seismic events located in the past hour, worldwide, "
        + "with magnitude, depth and significance; automatic solutions are revised as seismologists review them."
    public let zone = "World"
    public let periodSeconds = 60
    public let access = FeedAccess(requiresKey: false,
                                   rateLimit: "No key; summary feeds are regenerated every minute, polling more often gains nothing")
    public let licence = "US public domain"
    public let attribution = "U.S. Geological Survey"
    public let sourceURL = "https://earthquake.usgs.gov/earthquakes/feed/v1.0/geojson.php"
    public let fields = [
        ValueField("mag", unit: "", "magnitude (scale in tag magType)"),
        ValueField("depth", unit: "km", "hypocentre depth; negative above sea level"),
        ValueField("sig", unit: "", "significance, 0 to 1000 and more"),
        ValueField("felt", unit: "reports", "number of felt reports sent to Did You Feel It?"),
        ValueField("tsunami", unit: "", "1 when a tsunami bulletin may exist for the region"),
    ]
    public let documents: [FeedDocument]

    /// `summary`: which summary feed to read (`all_hour`, `all_day`, `significant_month`, ...).
    public init(summary: String = "all_hour") {
        documents = [FeedDocument(name: "summary", origin: "https://earthquake.usgs.gov",
                                  pathAndQuery: "/earthquakes/feed/v1.0/summary/\(summary).geojson")]
    }

    /// Tag names copied from `properties` when they are strings.
    static let tagNames = ["place", "magType", "status", "alert", "net", "title", "url", "type"]

    public func normalise(_ payloads: [String: Data]) throws(FeedPayloadError) -> NormalisedPayload {
        let document = primaryDocument.name
        let root = try parsePayload(payloads, document: document)
        guard case .object(let top) = root else {
            throw .unexpectedShape(feed: id, document: document, detail: "top level is a \(root.kindName), expected a GeoJSON FeatureCollection object")
        }
        guard let features = top["features"]?.arrayValue else {
            throw .unexpectedShape(feed: id, document: document, detail: "no \"features\" array (type \(top["type"]?.stringValue ?? "missing"))")
        }
        var builder = NormalisedPayloadBuilder()
        for (index, feature) in features.enumerated() {
            builder.see()
            let key = feature["id"]?.stringValue
            do {
                builder.accept(try reading(from: feature), index: index)
            } catch {
                builder.reject(index: index, key: key, reason: error.reason)
            }
        }
        return builder.result
    }

    private func reading(from feature: JSONValue) throws(RecordRejection) -> Reading {
        guard case .object(let members) = feature else { throw RecordRejection("feature is a \(feature.kindName), expected an object") }
        let record = RecordFields(members)
        let key = try record.requiredIdentifier("id")
        guard case .object(let propertyMembers)? = members["properties"] else { throw RecordRejection("missing properties") }
        let properties = RecordFields(propertyMembers)
        let timeMilliseconds = try properties.requiredNumber("time")
        guard let at = EpochTime.milliseconds(timeMilliseconds) else {
            throw RecordRejection("properties.time \(timeMilliseconds) is not a plausible time in milliseconds")
        }

        var values: [String: Double] = [:]
        for name in ["mag", "sig", "felt", "tsunami"] {
            values[name] = try properties.optionalNumber(name)
        }
        var tags: [String: String] = [:]
        for name in Self.tagNames {
            if let text = try properties.optionalString(name) { tags[name] = text }
        }
        if let updated = try properties.optionalNumber("updated"), let updatedAt = EpochTime.milliseconds(updated) {
            // Kept so a revision that changes nothing else still rewrites the reading (an update event).
            tags["updated"] = EpochTime.iso8601(updatedAt)
        }

        var geo: GeoPoint?
        if case .object(let geometry)? = members["geometry"], let coordinates = geometry["coordinates"] {
            guard case .array(let parts) = coordinates, parts.count >= 2 else {
                throw RecordRejection("geometry.coordinates is not a [lon, lat, depth] array")
            }
            let lon = try RecordFields.number(parts[0], name: "longitude")
            let lat = try RecordFields.number(parts[1], name: "latitude")
            if let lon, let lat {
                guard let point = GeoPoint(validatingLon: lon, lat: lat) else {
                    throw RecordRejection("coordinates (\(lon), \(lat)) out of range")
                }
                geo = point
            }
            if parts.count >= 3 { values["depth"] = try RecordFields.number(parts[2], name: "depth") }
        }
        return Reading(feed: id, key: key, at: at, values: values, tags: tags, geo: geo)
    }
}
