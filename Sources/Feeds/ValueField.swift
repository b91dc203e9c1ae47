/// A value readings of a feed carry: its name in `values`, its unit ("" when dimensionless) and meaning.
public struct ValueField: Sendable, Equatable {
    public var name: String
    public var unit: String
    public var description: String

    public init(_ name: String, unit: String, _ description: String) {
        self.name = name
        self.unit = unit
        self.description = description
    }
}
