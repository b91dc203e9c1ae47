import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct SortSpecificationTests {
    func ids(_ documents: [Document]) -> [BSONValue] { documents.compactMap { $0["_id"] } }

    @Test func multiKeyAscendingAndDescending() throws {
        let documents = try jsonDocuments("""
        [{"_id": 1, "feed": "b", "at": 3}, {"_id": 2, "feed": "a", "at": 1}, {"_id": 3, "feed": "b", "at": 5}, {"_id": 4, "feed": "a", "at": 2}]
        """)
        let order = try SortSpecification(try json(#"{"feed": 1, "at": -1}"#))
        #expect(ids(order.sort(documents)) == [4, 2, 3, 1])
        #expect(order.compare(documents[0], documents[2]) > 0)
        #expect(order.compare(documents[1], documents[1]) == 0)
    }

    @Test func missingSortsAsNullBeforeNumbersAndMixedTypesFollowBSONOrder() throws {
        let documents = try jsonDocuments("""
        [{"_id": 1, "v": "text"}, {"_id": 2, "v": 10}, {"_id": 3}, {"_id": 4, "v": null}, {"_id": 5, "v": 2.5}, {"_id": 6, "v": {"a": 1}}]
        """)
        let ascending = try SortSpecification(["v": 1])
        #expect(ids(ascending.sort(documents)) == [3, 4, 5, 2, 1, 6])
        let descending = try SortSpecification(["v": -1])
        #expect(ids(descending.sort(documents)) == [6, 1, 2, 5, 3, 4])
    }

    @Test func arraysSortByMinimumAscendingAndMaximumDescending() throws {
        let documents = try jsonDocuments("""
        [{"_id": 1, "v": [1, 9]}, {"_id": 2, "v": [4, 5]}, {"_id": 3, "v": 3}, {"_id": 4, "v": []}, {"_id": 5, "v": null}]
        """)
        #expect(ids(try SortSpecification(["v": 1]).sort(documents)) == [4, 5, 1, 3, 2])
        #expect(ids(try SortSpecification(["v": -1]).sort(documents)) == [1, 2, 3, 5, 4])
    }

    @Test func dottedPathsReachIntoArraysOfDocuments() throws {
        let documents = try jsonDocuments("""
        [{"_id": 1, "r": [{"s": 7}, {"s": 2}]}, {"_id": 2, "r": {"s": 5}}, {"_id": 3, "r": [{"s": 3}]}]
        """)
        #expect(ids(try SortSpecification(["r.s": 1]).sort(documents)) == [1, 3, 2])
        #expect(ids(try SortSpecification(["r.s": -1]).sort(documents)) == [1, 2, 3])
    }

    @Test func sortIsStableForTies() throws {
        let documents = try jsonDocuments(#"[{"_id": 1, "v": 1}, {"_id": 2, "v": 0}, {"_id": 3, "v": 1}, {"_id": 4, "v": 0}]"#)
        #expect(ids(try SortSpecification(["v": 1]).sort(documents)) == [2, 4, 1, 3])
    }

    @Test func invalidDirectionsAndMetaAreRejected() throws {
        #expect(errorCode { _ = try SortSpecification(["v": 2]) } == 15975)
        #expect(errorCode { _ = try SortSpecification(["v": "up"]) } == 15975)
        #expect(errorCode { _ = try SortSpecification(["s": ["$meta": "textScore"]]) } == 238)
        #expect(errorCode { _ = try SortSpecification(["$natural": -1]) } == 238)
        #expect(errorCode { _ = try SortSpecification(["$x": 1]) } == 2)
    }
}
