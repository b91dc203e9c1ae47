/// Versions of the C libraries linked through the other modules, for `vigie doctor` and `vigie version --verbose`.
enum LinkedLibraries {
    /// Filled as modules land; each entry comes from the module that owns the library.
    static var versions: [(name: String, version: String)] {
        []
    }
}
