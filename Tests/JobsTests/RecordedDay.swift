import Foundation
import Jobs

/// Expectations computed straight from the recorded payloads (JSONSerialization), independent of the normalisers.
enum RecordedDay {
    /// éCO2mix records of 2025-08-22: (UTC time, values by name), numbers given as strings included.
    static func eco2mixRecords() throws -> [(at: Date, values: [String: Double])] {
        let data = try TestFixtures.data("eco2mix/eco2mix_national_tr_results_2025-08-22.json")
        let records = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        return records.compactMap { record in
            guard let text = record["date_heure"] as? String, let at = ISO8601DateFormatter().date(from: text) else { return nil }
            var values: [String: Double] = [:]
            for (name, value) in record {
                if let number = value as? NSNumber { values[name] = number.doubleValue }
                if let string = value as? String, let number = Double(string) { values[name] = number }
            }
            return (at, values)
        }
    }

    /// USGS features of the all_day payload: (id, time, mag, place).
    static func usgsFeatures() throws -> [(id: String, at: Date, mag: Double?, place: String?)] {
        let data = try TestFixtures.data("usgs/all_day_2022-09-29.geojson")
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (root["features"] as? [[String: Any]] ?? []).compactMap { feature in
            guard let id = feature["id"] as? String, let properties = feature["properties"] as? [String: Any],
                  let time = properties["time"] as? NSNumber else { return nil }
            return (id, Date(timeIntervalSince1970: time.doubleValue / 1000), (properties["mag"] as? NSNumber)?.doubleValue,
                    properties["place"] as? String)
        }
    }

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
}
