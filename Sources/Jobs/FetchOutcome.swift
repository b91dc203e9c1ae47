/// What one fetch run did: its `fetches` record and, when it failed, why.
public struct FetchOutcome: Sendable {
    public var record: FetchRecord
    public var failure: JobFailure?

    /// 0 on success, else the failure's exit code (DESIGN.md §3).
    public var exitCode: Int32 { failure?.exitCode ?? 0 }
}
