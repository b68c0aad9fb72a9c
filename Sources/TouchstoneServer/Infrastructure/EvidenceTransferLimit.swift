import Foundation

/// How many evidence transfers (uploads and downloads) may be in progress at once: per
/// credential and overall. Each holds about one part of a file in memory, so the caps bound
/// what evidence costs the daemon.
public struct EvidenceTransferLimit: Sendable, Hashable {
    /// Transfers one credential (token or page session) may run at once.
    public var perCredential: Int
    /// Transfers the whole daemon runs at once.
    public var overall: Int

    /// - Parameters:
    ///   - perCredential: At once per credential (at least 1).
    ///   - overall: At once in all (at least 1).
    public init(perCredential: Int, overall: Int) {
        self.perCredential = max(perCredential, 1)
        self.overall = max(overall, 1)
    }

    /// 2 per credential, 16 in all.
    public static let `default` = EvidenceTransferLimit(perCredential: 2, overall: 16)
}

/// The transfers in progress, by credential. A ``Permit`` gives its place back when released
/// or, at the latest, when it is dropped.
final class EvidenceTransfers: @unchecked Sendable {
    /// One transfer's place.
    final class Permit: @unchecked Sendable {
        private let lock = NSLock()
        private var giveBack: (@Sendable () -> Void)?

        fileprivate init(giveBack: @escaping @Sendable () -> Void) {
            self.giveBack = giveBack
        }

        /// Gives the place back (once).
        func release() {
            lock.lock()
            let giveBack = self.giveBack
            self.giveBack = nil
            lock.unlock()
            giveBack?()
        }

        deinit { giveBack?() }
    }

    private let limit: EvidenceTransferLimit
    private let lock = NSLock()
    private var byCredential: [Data: Int] = [:]
    private var total = 0

    init(limit: EvidenceTransferLimit) {
        self.limit = limit
    }

    /// A place for a transfer by `credential` (a digest of it), or nil when a cap is reached.
    func acquire(_ credential: Data) -> Permit? {
        lock.lock()
        defer { lock.unlock() }
        let mine = byCredential[credential, default: 0]
        guard mine < limit.perCredential, total < limit.overall else { return nil }
        byCredential[credential] = mine + 1
        total += 1
        return Permit { [self] in self.giveBack(credential) }
    }

    private func giveBack(_ credential: Data) {
        lock.lock()
        defer { lock.unlock() }
        total -= 1
        let mine = byCredential[credential, default: 1] - 1
        byCredential[credential] = mine > 0 ? mine : nil
    }
}
