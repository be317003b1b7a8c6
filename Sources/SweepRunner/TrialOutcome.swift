import Foundation
import SweepCore

/// What a worker reports when a trial ends normally (the payload of `FromWorker.finished`).
public struct TrialOutcome: Sendable, Codable, Equatable {
    /// `complete` or `diverged`.
    public var state: TrialState
    /// Per-epoch metrics, in order.
    public var epochs: [EpochMetrics]
    /// The best epoch by the objective, and its value.
    public var bestEpoch: Int?
    /// The objective's value at `bestEpoch`.
    public var objective: Double?
    /// True when the worker wrote the best epoch's head to `checkpoints/<id>/`.
    public var checkpointWritten: Bool

    /// An outcome from its fields.
    public init(state: TrialState, epochs: [EpochMetrics], bestEpoch: Int?, objective: Double?, checkpointWritten: Bool) {
        self.state = state
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.objective = objective
        self.checkpointWritten = checkpointWritten
    }

    /// JSON text for the protocol (non-finite numbers as strings, like `trials.jsonl`).
    public func json() throws -> String { try WorkerCodec.encode(self) }

    /// Reads `json()`'s output.
    public init(json: String) throws { self = try WorkerCodec.decode(TrialOutcome.self, from: json) }
}
