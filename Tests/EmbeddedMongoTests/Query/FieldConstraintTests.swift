import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct FieldConstraintTests {
    @Test func equalityAndRangeOfAConjunction() throws {
        let constraints = Matcher.fieldConstraints(try json("""
        {"feed": "usgs", "at": {"$gte": {"$date": "2024-01-01T00:00:00Z"}, "$lt": {"$date": "2024-01-02T00:00:00Z"}}, "x.y": {"$in": [3, 1, 3]}}
        """))
        #expect(constraints["feed"] == FieldConstraint(equalities: ["usgs"]))
        let day = ISODate.parse("2024-01-01T00:00:00Z")!
        #expect(constraints["at"]?.lower == .init(value: .datetime(day), inclusive: true))
        #expect(constraints["at"]?.upper == .init(value: .datetime(day + 86_400_000), inclusive: false))
        #expect(constraints["at"]?.equalities == nil)
        #expect(constraints["x.y"]?.equalities == [1, 3])
        #expect(constraints["x.y"]?.isEquality == true)
    }

    @Test func boundsTightenAndAndClausesCount() throws {
        let constraints = Matcher.fieldConstraints(try json("""
        {"$and": [{"v": {"$gt": 5}}, {"v": {"$gte": 7}}, {"v": {"$lte": 9}}, {"v": {"$lt": 9}}], "w": {"$eq": 2}}
        """))
        #expect(constraints["v"]?.lower == .init(value: 7, inclusive: true))
        #expect(constraints["v"]?.upper == .init(value: 9, inclusive: false))
        #expect(constraints["w"]?.equalities == [2])
    }

    @Test func disjunctionsNegationsAndNonScalarsAreLeftOut() throws {
        let constraints = Matcher.fieldConstraints(try json("""
        {"$or": [{"a": 1}, {"b": 2}], "c": {"$ne": 3}, "d": [1, 2], "e": {"$regularExpression": {"pattern": "x", "options": ""}}, "f": {"k": 1}, "g": {"$in": [1, [2]]}}
        """))
        #expect(constraints.isEmpty)
    }

    @Test func equalityOutsideTheRangeLeavesNothing() throws {
        let constraints = Matcher.fieldConstraints(try json(#"{"v": {"$in": [1, 5, 10], "$gt": 4}}"#))
        #expect(constraints["v"]?.equalities == [5, 10])
        let instance = try Matcher(filter: try json(#"{"v": 3}"#))
        #expect(instance.fieldConstraints["v"]?.equalities == [3])
    }
}
