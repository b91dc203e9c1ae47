import Foundation

/// Open-Meteo forecast API: current weather (15-minute steps) for a list of places, in one request.
public struct OpenMeteoFeed: Feed {
    public let id = "openmeteo"
    public let title = "Weather (Open-Meteo)"
    public let description = "Current temperature, humidity, precipitation and wind for a few French cities, "
        + "from Open-Meteo's forecast models, updated every 15 minutes."
    public let zone = "France (selected cities)"
    public let periodSeconds = 900
    public let access = FeedAccess(requiresKey: false,
                                   rateLimit: "No key for non-commercial use; fewer than 10,000 calls a day, 5,000 an hour, 600 a minute")
    public let licence = "CC BY 4.0"
    public let attribution = "Weather data by Open-Meteo.com"
    public let sourceURL = "https://open-meteo.com/en/docs"
    public let fields = [
        ValueField("temperature", unit: "°C", "air temperature at 2 m"),
        ValueField("humidity", unit: "%", "relative humidity at 2 m"),
        ValueField("precipitation", unit: "mm", "precipitation over the current interval"),
        ValueField("wind", unit: "km/h", "wind speed at 10 m"),
        ValueField("windDirection", unit: "°", "wind direction at 10 m"),
        ValueField("windGusts", unit: "km/h", "wind gusts at 10 m"),
        ValueField("apparentTemperature", unit: "°C", "felt temperature"),
        ValueField("cloudCover", unit: "%", "total cloud cover"),
        ValueField("pressure", unit: "hPa", "sea-level pressure"),
        ValueField("weatherCode", unit: "wmo code", "WMO weather interpretation code"),
        ValueField("isDay", unit: "", "1 by day, 0 by night"),
    ]
    public let places: [OpenMeteoPlace]
    public let documents: [FeedDocument]

    /// The `current=` variables requested.
    static let currentVariables = ["temperature_2m", "relative_humidity_2m", "apparent_temperature", "precipitation",
                                   "weather_code", "cloud_cover", "pressure_msl", "wind_speed_10m",
                                   "wind_direction_10m", "wind_gusts_10m", "is_day"]

    /// API variable -> value name, for the `current` block and the older `current_weather` block.
    static let valueNames: [String: String] = [
        "temperature_2m": "temperature", "relative_humidity_2m": "humidity", "precipitation": "precipitation",
        "wind_speed_10m": "wind", "wind_direction_10m": "windDirection", "wind_gusts_10m": "windGusts",
        "apparent_temperature": "apparentTemperature", "cloud_cover": "cloudCover", "pressure_msl": "pressure",
        "weather_code": "weatherCode", "is_day": "isDay",
        "temperature": "temperature", "windspeed": "wind", "winddirection": "windDirection",
        "weathercode": "weatherCode",
    ]

    /// A returned grid point belongs to a configured place when both coordinates are this close (degrees);
    /// the API snaps coordinates to its model grid, a few kilometres away at most.
    static let matchTolerance = 0.25

    /// Paris and a few large French cities.
    public init() {
        self.init(validPlaces: OpenMeteoPlace.frenchCities)
    }

    /// A configured list of places: at least one, names unique and non-empty, coordinates in range.
    public init(places: [OpenMeteoPlace]) throws(FeedConfigurationError) {
        guard !places.isEmpty else { throw FeedConfigurationError(feed: "openmeteo", reason: "no places configured") }
        var names = Set<String>()
        for place in places {
            guard !place.name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw FeedConfigurationError(feed: "openmeteo", reason: "a place has an empty name")
            }
            guard names.insert(place.name).inserted else {
                throw FeedConfigurationError(feed: "openmeteo", reason: "place \"\(place.name)\" is listed twice")
            }
            guard GeoPoint(validatingLon: place.longitude, lat: place.latitude) != nil else {
                throw FeedConfigurationError(feed: "openmeteo",
                                             reason: "place \"\(place.name)\" has coordinates out of range (\(place.latitude), \(place.longitude))")
            }
        }
        self.init(validPlaces: places)
    }

    private init(validPlaces places: [OpenMeteoPlace]) {
        self.places = places
        func list(_ numbers: [Double]) -> String { numbers.map { String($0) }.joined(separator: ",") }
        let query = "latitude=\(list(places.map(\.latitude)))&longitude=\(list(places.map(\.longitude)))"
            + "&current=\(Self.currentVariables.joined(separator: ","))&timezone=auto"
        documents = [FeedDocument(name: "forecast", origin: "https://api.open-meteo.com",
                                  pathAndQuery: "/v1/forecast?" + query)]
    }

    public func normalise(_ payloads: [String: Data]) throws(FeedPayloadError) -> NormalisedPayload {
        let document = primaryDocument.name
        let root = try parsePayload(payloads, document: document)
        let locations: [JSONValue]
        switch root {
        case .array(let elements):
            locations = elements
        case .object(let members):
            if members["error"] == .bool(true) {
                let reason = members["reason"]?.stringValue ?? "no reason given"
                throw .unexpectedShape(feed: id, document: document, detail: "the API answered with an error: \(reason)")
            }
            locations = [root]
        default:
            throw .unexpectedShape(feed: id, document: document, detail: "top level is a \(root.kindName), expected an object or an array of objects")
        }
        var builder = NormalisedPayloadBuilder()
        for (index, location) in locations.enumerated() {
            builder.see()
            do {
                builder.accept(try reading(from: location), index: index)
            } catch {
                builder.reject(index: index, key: place(near: location)?.name, reason: error.reason)
            }
        }
        return builder.result
    }

    private func place(near location: JSONValue) -> OpenMeteoPlace? {
        guard case .number(let latitude)? = location["latitude"], case .number(let longitude)? = location["longitude"] else { return nil }
        return places
            .filter { abs($0.latitude - latitude.double) <= Self.matchTolerance && abs($0.longitude - longitude.double) <= Self.matchTolerance }
            .min { hypot($0.latitude - latitude.double, $0.longitude - longitude.double)
                 < hypot($1.latitude - latitude.double, $1.longitude - longitude.double) }
    }

    private func reading(from location: JSONValue) throws(RecordRejection) -> Reading {
        guard case .object(let members) = location else { throw RecordRejection("location is a \(location.kindName), expected an object") }
        let fields = RecordFields(members)
        let latitude = try fields.requiredNumber("latitude")
        let longitude = try fields.requiredNumber("longitude")
        guard let gridPoint = GeoPoint(validatingLon: longitude, lat: latitude) else {
            throw RecordRejection("coordinates (\(longitude), \(latitude)) out of range")
        }
        let block: [String: JSONValue]
        if case .object(let current)? = members["current"] {
            block = current
        } else if case .object(let current)? = members["current_weather"] {
            block = current
        } else {
            throw RecordRejection("no current or current_weather block (request without current=?)")
        }
        let at = try observationTime(block: block, utcOffset: try fields.optionalNumber("utc_offset_seconds"))

        var values: [String: Double] = [:]
        for (variable, value) in block where variable != "time" && variable != "interval" {
            if let name = Self.valueNames[variable] {
                values[name] = try RecordFields.number(value, name: variable)
            } else if case .number(let number) = value {
                values[variable] = number.double
            }
        }
        guard !values.isEmpty else { throw RecordRejection("current block has no values") }

        let matched = place(near: location)
        let key = matched?.name ?? String(format: "%.4f,%.4f", latitude, longitude)
        let geo = matched.map { GeoPoint(lon: $0.longitude, lat: $0.latitude) } ?? gridPoint
        var tags: [String: String] = [:]
        if let timezone = try fields.optionalString("timezone") { tags["timezone"] = timezone }
        return Reading(feed: id, key: key, at: at, values: values, tags: tags, geo: geo)
    }

    /// `time` is local wall-clock time without offset (`2023-10-25T20:45`) plus `utc_offset_seconds`,
    /// or epoch seconds with `timeformat=unixtime`.
    private func observationTime(block: [String: JSONValue], utcOffset: Double?) throws(RecordRejection) -> Date {
        switch block["time"] {
        case .string(let text)?:
            guard let stamp = ISOTimestamp(text) else { throw RecordRejection("current time \"\(text)\" is not ISO 8601") }
            guard let seconds = stamp.utcSeconds(fallbackOffset: utcOffset.map { Int($0) }) else {
                throw RecordRejection("current time \"\(text)\" has no offset and utc_offset_seconds is missing")
            }
            guard let date = EpochTime.seconds(seconds) else { throw RecordRejection("current time \"\(text)\" is out of range") }
            return date
        case .number(let number)?:
            guard let date = EpochTime.seconds(number.double) else { throw RecordRejection("current time \(number.double) is out of range") }
            return date
        case nil, .null?:
            throw RecordRejection("missing current time")
        case let other?:
            throw RecordRejection("current time is a \(other.kindName)")
        }
    }
}
