import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct ProjectionTests {
    let document: Document

    init() throws {
        document = try json("""
        {"_id": 1, "item": "abc", "status": "A", "size": {"h": 14, "w": 21, "uom": "cm"},
         "instock": [{"warehouse": "A", "qty": 5}, {"warehouse": "C", "qty": 15}, 7]}
        """)
    }

    func project(_ specification: String) throws -> Document {
        try Projection(try json(specification)).apply(document)
    }

    @Test func inclusionKeepsIdAndDocumentOrder() throws {
        #expect(try project(#"{"status": 1, "item": 1}"#) == (try json(#"{"_id": 1, "item": "abc", "status": "A"}"#)))
        #expect(try project(#"{"item": true, "_id": 0}"#) == (try json(#"{"item": "abc"}"#)))
        #expect(try project(#"{"nothere": 1}"#) == (try json(#"{"_id": 1}"#)))
    }

    @Test func exclusionDropsOnlyTheNamedFields() throws {
        #expect(try project(#"{"status": 0, "instock": 0, "size": 0}"#) == (try json(#"{"_id": 1, "item": "abc"}"#)))
        #expect(try project(#"{"_id": 0, "item": 0, "size": 0, "instock": 0}"#) == (try json(#"{"status": "A"}"#)))
        #expect(try project(#"{"size.uom": 0, "instock": 0, "_id": 1}"#) == (try json(#"{"_id": 1, "item": "abc", "status": "A", "size": {"h": 14, "w": 21}}"#)))
    }

    @Test func dottedInclusionReachesIntoDocumentsAndArrays() throws {
        #expect(try project(#"{"size.uom": 1, "_id": 0}"#) == (try json(#"{"size": {"uom": "cm"}}"#)))
        #expect(try project(#"{"instock.qty": 1, "_id": 0}"#) == (try json(#"{"instock": [{"qty": 5}, {"qty": 15}]}"#)))
        #expect(try project(#"{"size": {"h": 1}, "_id": 0}"#) == (try json(#"{"size": {"h": 14}}"#)))
        #expect(try project(#"{"instock.warehouse": 0, "_id": 0, "item": 0, "status": 0, "size": 0}"#)
                == (try json(#"{"instock": [{"qty": 5}, {"qty": 15}, 7]}"#)))
    }

    @Test func computedFieldsUseExpressions() throws {
        #expect(try project(#"{"item": 1, "area": {"$multiply": ["$size.h", "$size.w"]}, "label": "$status"}"#)
                == (try json(#"{"_id": 1, "item": "abc", "area": 294, "label": "A"}"#)))
        #expect(try project(#"{"dims.height": "$size.h", "_id": 0}"#) == (try json(#"{"dims": {"height": 14}}"#)))
        #expect(try project(#"{"gone": "$nothing", "_id": 0}"#) == Document())
        #expect(try project(#"{"item": 1, "_id": "$status"}"#) == (try json(#"{"_id": "A", "item": "abc"}"#)))
        #expect(errorCode { _ = try Projection(try json(#"{"item": 0, "_id": "$status"}"#)) } == 31252)
    }

    @Test func mixingInclusionAndExclusionIsAnError() throws {
        #expect(errorCode { _ = try Projection(try json(#"{"item": 1, "status": 0}"#)) } == 31254)
        #expect(errorCode { _ = try Projection(try json(#"{"item": 0, "status": 1}"#)) } == 31253)
        #expect(thrownError { _ = try Projection(try json(#"{"item": 1, "status": 0}"#)) }?.message
                == "Cannot do exclusion on field status in inclusion projection")
        #expect(errorCode { _ = try Projection(try json(#"{"a": 1, "a.b": 1}"#)) } == 31249)
        #expect(errorCode { _ = try Projection(try json(#"{"a.b": 1, "a": 1}"#)) } == 31250)
    }

    @Test func unsupportedProjectionOperatorsAreNamed() throws {
        for specification in [#"{"a": {"$slice": 2}}"#, #"{"a": {"$elemMatch": {"x": 1}}}"#, #"{"a.$": 1}"#] {
            #expect(errorCode { _ = try Projection(try json(specification)) } == 238, "\(specification)")
        }
    }

    @Test func emptyProjectionReturnsTheDocument() throws {
        #expect(try project("{}") == document)
    }
}
