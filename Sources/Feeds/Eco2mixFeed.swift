import Foundation

/// RTE éCO2mix (national, real time) through ODRÉ's Opendatasoft Explore API: consumption and production mix.
public struct Eco2mixFeed: Feed {
    public let id = "eco2mix"
    public let title = "Electricity in France (RTE éCO2mix)"
    public let description = "French electricity consumption, forecasts, production by source, exchanges "
        + "and CO2 intensity, every 15 minutes; recent values arrive empty and are filled in later."
    public let zone = "France (mainland)"
    public let periodSeconds = 900
    public let access = FeedAccess(requiresKey: false,
                                   rateLimit: "No key; anonymous calls count against the portal's request quota; at most 100 records per call")
    public let licence = "Licence Ouverte / Etalab 2.0"
    public let attribution = "RTE éCO2mix, via ODRÉ (Open Data Réseaux Énergies)"
    public let sourceURL = "https://odre.opendatasoft.com/explore/dataset/eco2mix-national-tr/"
    public let fields = [
        ValueField("consommation", unit: "MW", "consumption"),
        ValueField("prevision_j", unit: "MW", "consumption forecast made the same day"),
        ValueField("prevision_j1", unit: "MW", "consumption forecast made the day before"),
        ValueField("nucleaire", unit: "MW", "nuclear"),
        ValueField("eolien", unit: "MW", "wind"),
        ValueField("eolien_terrestre", unit: "MW", "onshore wind"),
        ValueField("eolien_offshore", unit: "MW", "offshore wind"),
        ValueField("solaire", unit: "MW", "solar"),
        ValueField("hydraulique", unit: "MW", "hydro"),
        ValueField("gaz", unit: "MW", "gas"),
        ValueField("charbon", unit: "MW", "coal"),
        ValueField("fioul", unit: "MW", "oil"),
        ValueField("bioenergies", unit: "MW", "bioenergy"),
        ValueField("pompage", unit: "MW", "pumped storage (negative: pumping)"),
        ValueField("stockage_batterie", unit: "MW", "battery charging"),
        ValueField("destockage_batterie", unit: "MW", "battery discharging"),
        ValueField("ech_physiques", unit: "MW", "physical exchanges (negative: exports)"),
        ValueField("taux_co2", unit: "g/kWh", "CO2 intensity of production"),
    ]
    public let documents: [FeedDocument]

    public static let key = "france"

    /// `limit`: records per request (the API allows at most 100; 96 is one day of 15-minute steps).
    public init(limit: Int = 96) {
        documents = [FeedDocument(name: "records", origin: "https://odre.opendatasoft.com",
                                  pathAndQuery: "/api/explore/v2.1/catalog/datasets/eco2mix-national-tr/records"
                                      + "?order_by=date_heure%20desc&limit=\(limit)")]
    }

    public func normalise(_ payloads: [String: Data]) throws(FeedPayloadError) -> NormalisedPayload {
        let document = primaryDocument.name
        let root = try parsePayload(payloads, document: document)
        let records: [JSONValue]
        switch root {
        case .array(let elements):
            records = elements
        case .object(let members):
            if case .array(let results)? = members["results"] {
                records = results
            } else if let message = members["message"]?.stringValue ?? members["error"]?.stringValue {
                throw .unexpectedShape(feed: id, document: document, detail: "the API answered with an error: \(message)")
            } else {
                throw .unexpectedShape(feed: id, document: document, detail: "no \"results\" array in the object")
            }
        default:
            throw .unexpectedShape(feed: id, document: document, detail: "top level is a \(root.kindName), expected {results: [...]} or an array")
        }
        var builder = NormalisedPayloadBuilder()
        for (index, record) in records.enumerated() {
            builder.see()
            do {
                builder.accept(try reading(from: record), index: index)
            } catch {
                builder.reject(index: index, key: record["date_heure"]?.stringValue, reason: error.reason)
            }
        }
        return builder.result
    }

    private func reading(from record: JSONValue) throws(RecordRejection) -> Reading {
        guard case .object(let members) = record else { throw RecordRejection("record is a \(record.kindName), expected an object") }
        let fields = RecordFields(members)
        guard let text = try fields.optionalString("date_heure") else { throw RecordRejection("missing date_heure") }
        guard let stamp = ISOTimestamp(text), let seconds = stamp.utcSeconds(), let at = EpochTime.seconds(seconds) else {
            throw RecordRejection("date_heure \"\(text)\" is not an ISO 8601 time with offset")
        }
        var values: [String: Double] = [:]
        for field in self.fields {
            values[field.name] = try fields.optionalNumber(field.name)
        }
        guard !values.isEmpty else { throw RecordRejection("every value is null (not published yet)") }
        return Reading(feed: id, key: Self.key, at: at, values: values)
    }
}
