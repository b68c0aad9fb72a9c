import Foundation
public import Logging
import TouchstoneCore
public import TouchstoneStore

/// Finds the tenants whose batch is due (kpi-batch.md "Schedule") and hands each due run to the
/// ``BatchQueue``, once across all daemons on the database: a run is handed in only by the
/// daemon whose claim of the tenant, period and day succeeded.
public struct BatchScheduler: Sendable {
    let database: Database
    let clock: any BatchClock
    let logger: Logger

    /// What scheduled runs record as `started_by`.
    public static let startedBy = "schedule"

    public init(database: Database, clock: any BatchClock = MinuteClock(), logger: Logger) {
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    /// Looks for due runs at every wake-up of the clock, until cancelled.
    func run(submittingTo queue: BatchQueue) async throws {
        while true {
            await wakeUp(submittingTo: queue)
            try await clock.sleepUntilNextWakeUp()
        }
    }

    /// One look: claims every due slot and hands its run in. Errors are logged; the next wake-up
    /// tries again. (Expiring visits, overdue actions and complaint escalations are the
    /// ``SweepService``'s, at every round of its own, not the batch's.)
    func wakeUp(submittingTo queue: BatchQueue) async {
        let now = clock.now()
        let scheduled: [BatchScheduleQueries.Scheduled]
        do {
            scheduled = try await BatchScheduleQueries.scheduled(database: database)
        } catch {
            logger.warning("batch schedule: cannot list the scheduled tenants", metadata: ["error": "\(error)"])
            return
        }
        for entry in scheduled {
            guard let slot = entry.schedule.dueSlot(at: now, in: entry.timeZone, since: entry.since) else { continue }
            do {
                let tenant = try await TenantQueries.find(code: entry.code, on: database)
                guard try await BatchScheduleQueries.claim(tenant: tenant, slot: slot, database: database) else { continue }
                logger.info("batch schedule: starting a run", metadata: ["tenant": "\(entry.code)", "slot": "\(slot)"])
                if !queue.submit(order(tenant: tenant, slot: slot, asOf: now)) {
                    await release(tenant: tenant, slot: slot)
                }
            } catch {
                logger.warning("batch schedule: cannot claim a run", metadata: ["tenant": "\(entry.code)", "error": "\(error)"])
            }
        }
    }

    /// The run of a claimed slot; a cancelled run gives its claim back.
    private func order(tenant: Tenant, slot: BatchSlot, asOf: Date) -> BatchOrder {
        BatchOrder(
            tenant: tenant, period: slot.period, asOf: asOf, startedBy: Self.startedBy,
            finished: { result in
                if case .failure = result, Task.isCancelled { await release(tenant: tenant, slot: slot) }
            })
    }

    /// Gives a claim back so another daemon takes the slot over.
    private func release(tenant: Tenant, slot: BatchSlot) async {
        let (database, logger) = (database, logger)
        await withoutCancellation {
            do {
                try await BatchScheduleQueries.release(tenant: tenant, slot: slot, database: database)
            } catch {
                logger.warning("batch schedule: cannot give a claim back", metadata: ["tenant": "\(tenant.code)", "error": "\(error)"])
            }
        }
    }
}
