/// A place the Open-Meteo feed asks about: its name is the readings' key.
public struct OpenMeteoPlace: Sendable, Equatable {
    public var name: String
    public var latitude: Double
    public var longitude: Double

    public init(name: String, latitude: Double, longitude: Double) {
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Paris and a few large French cities (city-centre coordinates).
    public static let frenchCities: [OpenMeteoPlace] = [
        OpenMeteoPlace(name: "Paris", latitude: 48.8566, longitude: 2.3522),
        OpenMeteoPlace(name: "Lyon", latitude: 45.7640, longitude: 4.8357),
        OpenMeteoPlace(name: "Marseille", latitude: 43.2965, longitude: 5.3698),
        OpenMeteoPlace(name: "Lille", latitude: 50.6292, longitude: 3.0573),
        OpenMeteoPlace(name: "Toulouse", latitude: 43.6047, longitude: 1.4442),
        OpenMeteoPlace(name: "Bordeaux", latitude: 44.8378, longitude: -0.5792),
        OpenMeteoPlace(name: "Strasbourg", latitude: 48.5734, longitude: 7.7521),
        OpenMeteoPlace(name: "Nantes", latitude: 47.2184, longitude: -1.5536),
    ]
}
