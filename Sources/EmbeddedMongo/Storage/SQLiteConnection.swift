import CSQLite

/// A failure reported by SQLite, with its result code and message.
struct SQLiteError: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    var description: String { "sqlite error \(code): \(message)" }

    var isConstraintViolation: Bool { code & 0xff == SQLITE_CONSTRAINT }
}

/// One SQLite database connection; used by one thread at a time (the storage engine's lock sees to it).
final class SQLiteConnection {
    let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    private var tableStatements: [TableStatement: SQLiteStatement] = [:]
    private var isOpen = true

    init(path: String) throws {
        var pointer: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &pointer, flags, nil)
        guard status == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let pointer { sqlite3_close_v2(pointer) }
            throw SQLiteError(code: status, message: "\(path): \(message)")
        }
        handle = pointer
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit { close() }

    /// Finalizes the cached statements and closes the database handle (idempotent).
    func close() {
        guard isOpen else { return }
        isOpen = false
        statements.removeAll()
        tableStatements.removeAll()
        sqlite3_close_v2(handle)
    }

    func execute(_ sql: String) throws {
        var errorText: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorText)
        if status != SQLITE_OK {
            let message = errorText.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(errorText)
            throw SQLiteError(code: status, message: message)
        }
    }

    /// A prepared statement, cached by its text and reset for reuse.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var pointer: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &pointer, nil)
        guard status == SQLITE_OK, let pointer else {
            throw SQLiteError(code: status, message: "\(lastMessage) in \(sql)")
        }
        let statement = SQLiteStatement(pointer, connection: self)
        statements[sql] = statement
        return statement
    }

    /// A prepared statement on per-collection tables, cached by what it does and the tables' ids, so that hot
    /// paths neither build nor hash SQL text; `sql` is called only the first time.
    func prepare(_ key: TableStatement, _ sql: () -> String) throws -> SQLiteStatement {
        if let cached = tableStatements[key] {
            cached.reset()
            return cached
        }
        let statement = try prepare(sql())
        tableStatements[key] = statement
        return statement
    }

    /// Drops cached statements (after schema changes that remove tables they use).
    func forgetStatements() {
        statements.removeAll()
        tableStatements.removeAll()
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    var changes: Int { Int(sqlite3_changes(handle)) }
}

/// The key of a cached statement on a collection's or an index's table: its purpose and the ids involved.
struct TableStatement: Hashable {
    enum Purpose: UInt8 {
        case insertDocument, updateDocument, deleteDocument, findById, insertIndexKey, deleteIndexKey
        case idRange, idRangeBounded, indexRange, indexRangeBounded
    }

    let purpose: Purpose
    let table: Int64
    /// The second table's id (the collection of an index join) or the scan direction; 0 when unused.
    var detail: Int64 = 0
}

/// A prepared statement: bind, step, read columns.
final class SQLiteStatement {
    private let pointer: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(_ pointer: OpaquePointer, connection: SQLiteConnection) {
        self.pointer = pointer
        self.connection = connection
    }

    deinit { sqlite3_finalize(pointer) }

    func reset() {
        sqlite3_reset(pointer)
        sqlite3_clear_bindings(pointer)
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(pointer, index, value)
    }

    func bind(_ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            // A zero-length blob still needs a non-null pointer, or SQLite stores NULL.
            let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            _ = vigie_sqlite3_bind_blob_copy(pointer, index, base, Int32(raw.count))
        }
    }

    func bind(_ index: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                let empty: StaticString = ""
                let base = chars.baseAddress ?? UnsafeRawPointer(empty.utf8Start).assumingMemoryBound(to: CChar.self)
                _ = vigie_sqlite3_bind_text_copy(pointer, index, base, Int32(chars.count))
            }
        }
    }

    func bindNull(_ index: Int32) {
        sqlite3_bind_null(pointer, index)
    }

    /// Advances; true while a row is available.
    func step() throws -> Bool {
        let status = sqlite3_step(pointer)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError(code: status, message: connection.lastMessage)
            sqlite3_reset(pointer)
            throw error
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        while try step() {}
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(pointer, column)
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(pointer, column) == SQLITE_NULL
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(pointer, column))
        guard count > 0, let base = sqlite3_column_blob(pointer, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    func text(_ column: Int32) -> String {
        guard let base = sqlite3_column_text(pointer, column) else { return "" }
        let count = Int(sqlite3_column_bytes(pointer, column))
        return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }
}

func sqlite3LastInsertRowId(_ connection: SQLiteConnection) -> Int64 {
    sqlite3_last_insert_rowid(connection.handle)
}
