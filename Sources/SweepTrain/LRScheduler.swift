// Learning-rate schedules as torch/optim/lr_scheduler.py computes them, in Double and with
// the same recursive formulas (not the closed forms), so the sequence matches PyTorch's to
// the last bit: StepLR.get_lr and CosineAnnealingLR.get_lr (periodic, no clamping, eta_min may
// exceed the base rate).
import Foundation

/// How the learning rate changes with scheduler steps.
public enum LRSchedule: Codable, Sendable, Equatable, Hashable {
    /// The base rate throughout (no scheduler).
    case constant
    /// `StepLR(step_size, gamma)`: multiply by `gamma` every `stepSize` steps.
    case step(stepSize: Int, gamma: Double)
    /// `CosineAnnealingLR(T_max, eta_min)`.
    case cosine(tMax: Int, etaMin: Double)

    /// Checks the schedule's numbers; the error names the property.
    public func validate() throws {
        switch self {
        case .constant: return
        case .step(let stepSize, let gamma):
            guard stepSize > 0 else { throw TrainError.invalidConfig(property: "schedule.step_size", reason: "must be positive, got \(stepSize)") }
            guard gamma.isFinite else { throw TrainError.invalidConfig(property: "schedule.gamma", reason: "must be finite") }
        case .cosine(let tMax, let etaMin):
            guard tMax > 0 else { throw TrainError.invalidConfig(property: "schedule.t_max", reason: "must be positive, got \(tMax)") }
            guard etaMin.isFinite else { throw TrainError.invalidConfig(property: "schedule.eta_min", reason: "must be finite") }
        }
    }
}

/// When the scheduler steps: after every optimiser step (the notebook) or after every epoch.
public enum ScheduleStepping: String, Codable, Sendable, Equatable, Hashable {
    /// After every optimiser step (the notebook's `scheduler.step()` in the batch loop).
    case batch
    /// After every epoch.
    case epoch
}

/// A running schedule: the current rate and PyTorch's `last_epoch` counter.
public struct LRScheduler: Sendable, Equatable {
    /// The schedule it follows.
    public let schedule: LRSchedule
    /// The optimiser's initial rate (`base_lrs`).
    public let baseRate: Double
    /// The rate the next optimiser step uses (`group["lr"]`).
    public private(set) var rate: Double
    /// Steps taken (`last_epoch`; 0 after construction).
    public private(set) var stepsTaken = 0

    /// A scheduler at step 0, whose rate is `baseRate`.
    public init(schedule: LRSchedule, baseRate: Double) {
        self.schedule = schedule
        self.baseRate = baseRate
        rate = baseRate
    }

    /// Advances one step (`scheduler.step()`).
    public mutating func step() {
        stepsTaken += 1
        let t = stepsTaken
        switch schedule {
        case .constant:
            return
        case .step(let stepSize, let gamma):
            if t % stepSize == 0 { rate = rate * gamma }
        case .cosine(let tMax, let etaMin):
            let period = 2 * tMax
            if ((t - 1 - tMax) % period + period) % period == 0 {    // Python's non-negative %
                rate = rate + (baseRate - etaMin) * (1 - cos(Double.pi / Double(tMax))) / 2
            } else {
                rate = (1 + cos(Double.pi * Double(t) / Double(tMax)))
                    / (1 + cos(Double.pi * Double(t - 1) / Double(tMax))) * (rate - etaMin) + etaMin
            }
        }
    }
}
