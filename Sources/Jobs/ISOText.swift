import BSON
import Foundation

/// ISO 8601 UTC text with milliseconds for `Date`, and BSON date conversions, in one place.
enum ISOText {
    static func format(_ date: Date) -> String {
        ISODate.format(milliseconds(date))
    }

    static func parse(_ text: String) -> Date? {
        ISODate.parse(text).map(date(milliseconds:))
    }

    /// Whole milliseconds since the epoch, as BSON stores dates (nearest, so binary fractions never shift a time).
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func bson(_ date: Date) -> BSONValue {
        .datetime(milliseconds(date))
    }
}
