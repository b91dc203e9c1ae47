import BSON
@testable import EmbeddedMongo

/// Parses relaxed Extended JSON (`{"a": 1, "d": {"$date": "2024-01-01T00:00:00Z"}}`) into a document.
func json(_ text: String) throws -> Document {
    try Document(json: text)
}

/// Parses a JSON array of documents.
func jsonDocuments(_ text: String) throws -> [Document] {
    let wrapper = try Document(json: "{\"list\": \(text)}")
    guard case .array(let elements)? = wrapper["list"] else { return [] }
    return elements.compactMap(\.documentValue)
}

/// Parses a JSON array of values (pipeline stages, arguments).
func jsonArray(_ text: String) throws -> [BSONValue] {
    let wrapper = try Document(json: "{\"list\": \(text)}")
    guard case .array(let elements)? = wrapper["list"] else { return [] }
    return elements
}

/// Which of `documents` (by their `_id`) the filter matches.
func matchingIds(_ filter: String, _ documents: [Document]) throws -> [BSONValue] {
    let matcher = try Matcher(filter: try json(filter))
    return documents.filter { matcher.matches($0) }.compactMap { $0["_id"] }
}

/// The `CommandError` code a throwing call produced, nil when it did not throw, -1 for another error.
func errorCode(_ body: () throws -> Void) -> Int32? {
    do {
        try body()
        return nil
    } catch let error as CommandError {
        return error.code
    } catch {
        return -1
    }
}

/// The `CommandError` a call threw, nil when it threw nothing or something else.
func thrownError(_ body: () throws -> Void) -> CommandError? {
    do {
        try body()
        return nil
    } catch {
        return error as? CommandError
    }
}
