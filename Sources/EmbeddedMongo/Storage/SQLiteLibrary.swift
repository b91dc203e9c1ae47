import CSQLite

/// Facts about the linked SQLite, for `vigie doctor`.
public enum SQLiteLibrary {
    /// e.g. "3.40.1".
    public static var version: String { String(cString: sqlite3_libversion()) }
}
