import Foundation

/// Vélib' Métropole (GBFS): bikes and free docks at every station of Paris' bike-share, and network totals.
public struct VelibFeed: Feed {
    public let id = "velib"
    public let title = "Vélib' Métropole"
    public let description = "Bikes (mechanical and electric) and free docks at each Vélib' station, "
        + "and network-wide totals (key _network), from the operator's GBFS feed."
    public let zone = "Paris and Île-de-France"
    public let periodSeconds = 60
    public let access = FeedAccess(requiresKey: false,
                                   rateLimit: "No key; station status refreshed about every minute (GBFS ttl), information daily")
    public let licence = "Licence Ouverte / Etalab 2.0"
    public let attribution = "Vélib' Métropole (Smovengo), open data"
    public let sourceURL = "https://velib-metropole-opendata.smovengo.cloud/opendata/Velib_Metropole/gbfs.json"
    public let fields = [
        ValueField("bikes", unit: "bikes", "bikes available"),
        ValueField("mechanical", unit: "bikes", "mechanical bikes available"),
        ValueField("ebikes", unit: "bikes", "electric bikes available"),
        ValueField("docks", unit: "docks", "free docks"),
        ValueField("stationsInService", unit: "stations", "_network only: stations installed and renting"),
        ValueField("stations", unit: "stations", "_network only: stations listed in the status feed"),
    ]
    public let documents: [FeedDocument]

    /// Key of the network-wide reading.
    public static let networkKey = "_network"
    public static let statusDocument = "station_status"
    public static let informationDocument = "station_information"
    /// Station information changes rarely: the fetch runner reuses its last copy for a day.
    public static let informationRefreshSeconds = 86_400

    public init() {
        let origin = "https://velib-metropole-opendata.smovengo.cloud"
        documents = [
            FeedDocument(name: Self.statusDocument, origin: origin,
                         pathAndQuery: "/opendata/Velib_Metropole/station_status.json"),
            FeedDocument(name: Self.informationDocument, origin: origin,
                         pathAndQuery: "/opendata/Velib_Metropole/station_information.json",
                         refreshSeconds: Self.informationRefreshSeconds),
        ]
    }

    /// Needs `station_status`; `station_information` (fresh or cached) adds names and positions.
    public func normalise(_ payloads: [String: Data]) throws(FeedPayloadError) -> NormalisedPayload {
        guard let status = payloads[Self.statusDocument] else {
            throw .missingDocument(feed: id, document: Self.statusDocument)
        }
        return try normalise(status: status, information: payloads[Self.informationDocument])
    }

    /// Joins station status with station information by station id.
    public func normalise(status: Data, information: Data?) throws(FeedPayloadError) -> NormalisedPayload {
        let info = try information.map { (data) throws(FeedPayloadError) in try parseInformation(data) }
        return try normalise(status: status, parsedInformation: info)
    }

    /// Checks a `station_information` payload before the fetch runner caches it.
    public func parseInformation(_ data: Data) throws(FeedPayloadError) -> GBFSStationInformation {
        try GBFSStationInformation.parse(data, feed: id, document: Self.informationDocument)
    }

    /// Same, with station information parsed earlier (the fetch runner's daily cache).
    public func normalise(status: Data, parsedInformation information: GBFSStationInformation?) throws(FeedPayloadError) -> NormalisedPayload {
        let root = try PayloadDecoder.decode(status, feed: id, document: Self.statusDocument)
        let stations = try GBFSEnvelope.stations(in: root, feed: id, document: Self.statusDocument)
        var builder = NormalisedPayloadBuilder()
        var network = NetworkTotals()
        for (index, entry) in stations.enumerated() {
            builder.see()
            do {
                let (reading, inService) = try stationReading(from: entry, information: information)
                if builder.accept(reading, index: index) {
                    network.add(reading.values, inService: inService)
                }
            } catch {
                builder.reject(index: index, key: entry["station_id"].flatMap(Self.idText), reason: error.reason)
            }
        }
        let latest = builder.result.readings.map(\.at).max()
        if let at = GBFSEnvelope.lastUpdated(root) ?? latest, !builder.result.readings.isEmpty {
            builder.acceptDerived(Reading(feed: id, key: Self.networkKey, at: at,
                                          values: network.values(stationsListed: stations.count)))
        }
        return builder.result
    }

    private static func idText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.integerText
        default: return nil
        }
    }

    private func stationReading(from entry: JSONValue, information: GBFSStationInformation?) throws(RecordRejection) -> (Reading, Bool) {
        guard case .object(let members) = entry else { throw RecordRejection("station is a \(entry.kindName), expected an object") }
        let fields = RecordFields(members)
        let key = try fields.requiredIdentifier("station_id")
        let reported = try fields.requiredNumber("last_reported")
        guard let at = EpochTime.seconds(reported) else {
            throw RecordRejection("last_reported \(reported) is not a plausible time in seconds (bogus station clock)")
        }
        var values: [String: Double] = [:]
        values["bikes"] = try Self.count(fields, "num_bikes_available", required: true)
        values["docks"] = try Self.count(fields, "num_docks_available", required: true)
        if let types = members["num_bikes_available_types"], !types.isNull {
            let counts = try Self.bikeTypes(types)
            values["mechanical"] = counts.mechanical
            values["ebikes"] = counts.ebike
        } else if let ebikes = try Self.count(fields, "num_ebikes_available", required: false), let bikes = values["bikes"] {
            values["ebikes"] = ebikes
            values["mechanical"] = max(0, bikes - ebikes)
        }
        let installed = try fields.optionalFlag("is_installed") ?? true
        let renting = try fields.optionalFlag("is_renting") ?? true

        var tags: [String: String] = [:]
        var geo: GeoPoint?
        if let station = information?.stations[key] {
            tags["name"] = station.name
            tags["code"] = station.code
            geo = station.geo
        }
        if tags["code"] == nil, let code = try fields.optionalString("stationCode") { tags["code"] = code }
        return (Reading(feed: id, key: key, at: at, values: values, tags: tags, geo: geo), installed && renting)
    }

    private static func count(_ fields: RecordFields, _ name: String, required: Bool) throws(RecordRejection) -> Double? {
        let value = required ? try fields.requiredNumber(name) : try fields.optionalNumber(name)
        if let value, value < 0 { throw RecordRejection("\(name) is negative (\(value))") }
        return value
    }

    /// Vélib' writes `[{"mechanical": n}, {"ebike": n}]`; standard GBFS 2.x writes `{"mechanical": n, "ebike": n}`.
    private static func bikeTypes(_ value: JSONValue) throws(RecordRejection) -> (mechanical: Double?, ebike: Double?) {
        var merged: [String: JSONValue] = [:]
        switch value {
        case .object(let members):
            merged = members
        case .array(let parts):
            for part in parts {
                guard case .object(let members) = part else {
                    throw RecordRejection("num_bikes_available_types holds a \(part.kindName), expected objects")
                }
                merged.merge(members) { first, _ in first }
            }
        default:
            throw RecordRejection("num_bikes_available_types is a \(value.kindName), expected a list or an object")
        }
        let fields = RecordFields(merged)
        return (try count(fields, "mechanical", required: false), try count(fields, "ebike", required: false))
    }
}

/// Sums of the station readings of one status payload: the `_network` reading.
private struct NetworkTotals {
    var bikes = 0.0, docks = 0.0, mechanical = 0.0, ebikes = 0.0
    var hasBikeTypes = false
    var stationsInService = 0.0

    mutating func add(_ values: [String: Double], inService: Bool) {
        bikes += values["bikes"] ?? 0
        docks += values["docks"] ?? 0
        if let mechanical = values["mechanical"] { self.mechanical += mechanical; hasBikeTypes = true }
        if let ebikes = values["ebikes"] { self.ebikes += ebikes; hasBikeTypes = true }
        if inService { stationsInService += 1 }
    }

    func values(stationsListed: Int) -> [String: Double] {
        var values = ["bikes": bikes, "docks": docks, "stationsInService": stationsInService,
                      "stations": Double(stationsListed)]
        if hasBikeTypes {
            values["mechanical"] = mechanical
            values["ebikes"] = ebikes
        }
        return values
    }
}
