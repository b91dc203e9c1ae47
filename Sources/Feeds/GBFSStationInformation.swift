import Foundation

/// The static part of a GBFS system (`station_information.json`): names and positions by station id.
public struct GBFSStationInformation: Sendable, Equatable {
    /// What is known of one station.
    public struct Station: Sendable, Equatable {
        public var name: String?
        public var code: String?
        public var geo: GeoPoint?
        public var capacity: Double?
    }

    public var stations: [String: Station]
    /// `last_updated` (or Vélib's `lastUpdatedOther`), when the document has one.
    public var lastUpdated: Date?
    /// Entries skipped because they had no usable station id.
    public var skipped: Int

    /// Parses `station_information.json`; entries without an id are skipped and counted, not fatal.
    public static func parse(_ data: Data, feed: String, document: String) throws(FeedPayloadError) -> GBFSStationInformation {
        let root = try PayloadDecoder.decode(data, feed: feed, document: document)
        let entries = try GBFSEnvelope.stations(in: root, feed: feed, document: document)
        var stations: [String: Station] = [:]
        var skipped = 0
        for entry in entries {
            guard case .object(let members) = entry else { skipped += 1; continue }
            let fields = RecordFields(members)
            guard let id = try? fields.requiredIdentifier("station_id") else { skipped += 1; continue }
            var station = Station()
            station.name = (try? fields.optionalString("name")) ?? nil
            station.code = ((try? fields.optionalString("stationCode")) ?? nil) ?? ((try? fields.optionalString("short_name")) ?? nil)
            if let lat = (try? fields.optionalNumber("lat")) ?? nil, let lon = (try? fields.optionalNumber("lon")) ?? nil {
                station.geo = GeoPoint(validatingLon: lon, lat: lat)
            }
            station.capacity = (try? fields.optionalNumber("capacity")) ?? nil
            stations[id] = station
        }
        return GBFSStationInformation(stations: stations, lastUpdated: GBFSEnvelope.lastUpdated(root), skipped: skipped)
    }
}

/// The wrapper GBFS documents share: `{last_updated | lastUpdatedOther, ttl, data: {stations: [...]}}`.
enum GBFSEnvelope {
    static func stations(in root: JSONValue, feed: String, document: String) throws(FeedPayloadError) -> [JSONValue] {
        guard case .object(let top) = root else {
            throw .unexpectedShape(feed: feed, document: document, detail: "top level is a \(root.kindName), expected a GBFS object")
        }
        guard case .object(let data)? = top["data"] else {
            throw .unexpectedShape(feed: feed, document: document, detail: "no \"data\" object")
        }
        guard case .array(let stations)? = data["stations"] else {
            throw .unexpectedShape(feed: feed, document: document, detail: "no \"data.stations\" array")
        }
        return stations
    }

    /// Feed time in seconds: GBFS `last_updated`, or Vélib's `lastUpdatedOther`.
    static func lastUpdated(_ root: JSONValue) -> Date? {
        for name in ["last_updated", "lastUpdatedOther"] {
            if case .number(let number)? = root[name], let date = EpochTime.seconds(number.double) { return date }
        }
        return nil
    }
}
