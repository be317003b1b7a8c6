import Foundation
import SweepCore

/// What a worker reports when a trial ends normally (the payload of `FromWorker.finished`).
public struct TrialOutcome: Sendable, Codable, Equatable {
    /// `complete`, `diverged`, or `failed` when the objective had no value in any epoch.
    public var state: TrialState
    /// Per-epoch metrics, in order.
    public var epochs: [EpochMetrics]
    /// The best epoch by the objective, and its value.
    public var bestEpoch: Int?
    /// The objective's value at `bestEpoch`.
    public var objective: Double?
    /// True when the worker wrote the best epoch's head to `checkpoints/<id>/`.
    public var checkpointWritten: Bool
    /// Why a trial did not complete (where and how it diverged, or why it has no objective).
    public var reason: String?

    /// An outcome from its fields.
    public init(state: TrialState, epochs: [EpochMetrics], bestEpoch: Int?, objective: Double?, checkpointWritten: Bool,
                reason: String? = nil) {
        self.state = state
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.objective = objective
        self.checkpointWritten = checkpointWritten
        self.reason = reason
    }

    /// The state of a trial from what its training loop reports: a NaN objective is never
    /// silently `complete`. A loop that ran every epoch without one finite objective value (a
    /// metric undefined on the split) is `failed`, with the reason.
    ///
    /// - Parameters:
    ///   - diverged: the loop's divergence message, nil when every epoch ran.
    ///   - bestEpoch: the best epoch by the objective, nil when no epoch had a finite value.
    public static func state(diverged: String?, bestEpoch: Int?, epochs: Int, objective: String) -> (TrialState, String?) {
        if let diverged { return (.diverged, diverged) }
        if bestEpoch == nil {
            return (.failed, "the objective \(objective) was NaN (undefined) in all \(epochs) epoch(s); no epoch could be ranked")
        }
        return (.complete, nil)
    }

    /// JSON text for the protocol (non-finite numbers as strings, like `trials.jsonl`).
    public func json() throws -> String { try WorkerCodec.encode(self) }

    /// Reads `json()`'s output.
    public init(json: String) throws { self = try WorkerCodec.decode(TrialOutcome.self, from: json) }
}
