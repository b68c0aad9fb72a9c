public import Logging
public import ServiceLifecycle
import TouchstoneCore
public import TouchstoneStore

/// The one owner of the daemon's batch runs, in its service group: runs what the
/// ``BatchQueue`` is handed (the batch page, the ``BatchScheduler`` it also drives).
///
/// On graceful shutdown (SIGTERM) the scheduler stops waking, the queue refuses new orders, and
/// the service waits for the runs already going. If the group's drain time runs out first, the
/// group cancels the service: each run's statement is cancelled on the server, its transaction
/// rolls back (no partial results) and its job row says `failed`, "cancelled …".
public struct BatchService: Service {
    let queue: BatchQueue
    let scheduler: BatchScheduler?
    let runner: BatchRunner
    let database: Database
    let logger: Logger

    /// - Parameters:
    ///   - queue: where runs are handed in.
    ///   - scheduler: looks for due runs each minute; nil: runs only what is handed in.
    ///   - runner: the batch (KPIs, then payouts).
    public init(queue: BatchQueue, scheduler: BatchScheduler?, runner: BatchRunner = .withPayouts, database: Database, logger: Logger) {
        self.queue = queue
        self.scheduler = scheduler
        self.runner = runner
        self.database = database
        self.logger = logger
    }

    /// Runs until graceful shutdown and until the runs going by then have finished.
    public func run() async {
        let queue = queue
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                queue.close()
            }
            if let scheduler {
                group.addTask {
                    try? await cancelWhenGracefulShutdown { try await scheduler.run(submittingTo: queue) }
                }
            }
            for await order in queue.orders {
                group.addTask { await execute(order) }
            }
        }
    }

    /// Runs one order and reports its outcome to it.
    private func execute(_ order: BatchOrder) async {
        let result: Result<BatchJob, any Error>
        do {
            result = .success(
                try await runner.run(
                    tenant: order.tenant, period: order.period, asOf: order.asOf, full: order.full, startedBy: order.startedBy,
                    progress: order.progress, database: database))
        } catch {
            logger.warning(
                "batch run failed",
                metadata: ["tenant": "\(order.tenant.code)", "period": "\(order.period)", "startedBy": "\(order.startedBy)", "error": "\(error)"])
            result = .failure(error)
        }
        await order.finished(result)
    }
}
