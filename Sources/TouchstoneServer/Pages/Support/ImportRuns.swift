import Foundation
import Logging
import TouchstoneStore

/// The dry runs and imports started from the import page, which run in the background so a
/// large file does not hold the request (nor a proxy's timeout): the page refreshes itself
/// while one runs and shows the rows read so far. In memory, per daemon: the outcome itself is
/// stored with the upload (``ImportUploads``); a run cut short by a restart stored nothing and
/// its upload can be checked or applied again.
final class ImportRuns: @unchecked Sendable {
    /// What a run of one upload is doing, or how it failed.
    struct Run: Sendable {
        enum Work: String, Sendable { case checking, applying }
        let work: Work
        let started: Date
        var rows = 0
        var finished = false
        /// Why the run failed, when it failed other than with problems in the file (those are the upload's outcome).
        var failure: String?
    }

    private struct Key: Hashable {
        let tenantID: Int64
        let uploadID: Int64
    }

    private let lock = NSLock()
    private var runs: [Key: Run] = [:]

    /// The run of upload `uploadID` of the tenant, if one was started here.
    func run(tenantID: Int64, uploadID: Int64) -> Run? {
        lock.withLock { runs[Key(tenantID: tenantID, uploadID: uploadID)] }
    }

    /// The runs of the tenant's uploads started here, by upload.
    func runs(tenantID: Int64) -> [Int64: Run] {
        lock.withLock {
            Dictionary(uniqueKeysWithValues: runs.filter { $0.key.tenantID == tenantID }.map { ($0.key.uploadID, $0.value) })
        }
    }

    /// Starts `work` on the upload in the background unless a run of it is going already.
    /// - Parameter body: the work; it receives the progress callback (rows read so far).
    /// - Returns: whether it started.
    @discardableResult
    func start(
        _ work: Run.Work, tenantID: Int64, uploadID: Int64, logger: Logger,
        body: @escaping @Sendable (@escaping @Sendable (Int) -> Void) async throws -> Void
    ) -> Bool {
        let key = Key(tenantID: tenantID, uploadID: uploadID)
        let started: Bool = lock.withLock {
            if let run = runs[key], !run.finished { return false }
            // Uploads expire after a day: so may what is known of their runs.
            let dayAgo = Date().addingTimeInterval(-86_400)
            runs = runs.filter { !$0.value.finished || $0.value.started > dayAgo }
            runs[key] = Run(work: work, started: Date())
            return true
        }
        guard started else { return false }
        Task.detached { [self] in
            var failure: String?
            do {
                try await body { rows in self.update(key) { $0.rows = rows } }
            } catch {
                logger.error("import \(work.rawValue) of upload \(uploadID) failed: \(error)")
                failure = String(describing: StoreError.translate(error))
            }
            self.update(key) {
                $0.finished = true
                $0.failure = failure
            }
        }
        return true
    }

    private func update(_ key: Key, _ change: (inout Run) -> Void) {
        lock.withLock {
            if var run = runs[key] {
                change(&run)
                runs[key] = run
            }
        }
    }
}
