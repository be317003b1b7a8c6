import Foundation
import SweepCore
import XCTest

/// Trial records: one JSON line each, read back unchanged; best-epoch selection.
final class TrialRecordTests: XCTestCase {
    static func epoch(_ e: Int, val f1: Double, trainLoss: Double = 0.5, valLoss: Double = 0.4) -> EpochMetrics {
        EpochMetrics(epoch: e, lr: 0.001, train: ["loss": trainLoss, "f1_samples": 0.7],
                     val: ["loss": valLoss, "f1_samples": f1, "roc_auc_samples": 0.9], seconds: 0.25)
    }

    static func record(id: String, state: TrialState, objective: Double?, parameters: [String: SweptValue] = ["lr": .number(0.001)],
                       epochs: [EpochMetrics] = [], bestEpoch: Int? = nil, failure: TrialFailure? = nil,
                       seconds: Double = 12.5) throws -> TrialRecord {
        let plan = try Support.plan("name: r\n")
        let config = try XCTUnwrap(plan.trials.first).config
        let start = Date(timeIntervalSince1970: 1_800_000_000.125)
        return TrialRecord(id: id, parameters: parameters, config: config, seed: 0, state: state, epochs: epochs,
                           bestEpoch: bestEpoch, objective: objective, attempts: 1, failure: failure,
                           timings: TrialTimings(start: start, end: start.addingTimeInterval(seconds), seconds: seconds),
                           workerPID: 4242)
    }

    func testRecordIsOneJSONLineAndReadsBackEqual() throws {
        let record = try Self.record(
            id: "0123456789ab", state: .failed, objective: nil,
            parameters: ["lr": .number(0.001), "optimizer": .string("adam"), "nesterov": .bool(true), "loss.pos_weight": .numbers([1, 2.5])],
            epochs: [Self.epoch(0, val: 0.8)], bestEpoch: 0,
            failure: TrialFailure(reason: "killed by signal 9", stderrTail: "line one\nline \"two\"\n"))
        let line = try record.jsonLine()
        XCTAssertFalse(line.contains("\n"))
        XCTAssertEqual(try TrialRecord(jsonLine: line), record)
        XCTAssertEqual(try record.jsonLine(), line, "encoding is deterministic")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(object["state"] as? String, "failed")
        XCTAssertEqual(object["best_epoch"] as? Int, 0)
        XCTAssertEqual(object["worker_pid"] as? Int, 4242)
        XCTAssertEqual((object["parameters"] as? [String: Any])?["lr"] as? Double, 0.001, "swept values are plain JSON values")
        XCTAssertEqual((object["timings"] as? [String: Any])?["start"] as? String, "2027-01-15T08:00:00.125Z")
        XCTAssertEqual(Array(object.keys).sorted(), ["attempts", "best_epoch", "config", "config_id", "epochs", "failure", "id",
                                                     "parameters", "repeat", "seed", "state", "timings", "worker_pid"],
                       "nil objective and fold left out")
        XCTAssertEqual(object["config_id"] as? String, record.id, "a run without repeats or folds is its configuration")
    }

    /// A record written before repeats and folds existed reads as repeat 0 of its own configuration, no fold.
    func testARecordWithoutRunFieldsReadsAsItsOwnConfiguration() throws {
        let record = try XCTUnwrap(try? TrialRecord(jsonLine: try self.recordLineWithoutRunFields()))
        XCTAssertEqual(record.configID, record.id)
        XCTAssertEqual(record.repeat, 0)
        XCTAssertNil(record.fold)
        let run = TrialRecord(id: "r", parameters: [:], config: record.config, seed: 5, state: .complete, epochs: [], bestEpoch: nil,
                              objective: nil, attempts: 1, failure: nil, timings: record.timings, workerPID: nil,
                              configID: "c", repeat: 2, fold: 1)
        let back = try TrialRecord(jsonLine: try run.jsonLine())
        XCTAssertEqual([back.configID, "\(back.repeat)", "\(back.fold ?? -1)"], ["c", "2", "1"])
    }

    /// A pruned record says where it stopped (`pruned`: method, epochs run, rung); records written
    /// before that field (and every other record) have none and read as before.
    func testAPrunedRecordKeepsItsRung() throws {
        let old = try Self.record(id: "0123456789ab", state: .pruned, objective: 0.4, epochs: [Self.epoch(0, val: 0.4)], bestEpoch: 0)
        XCTAssertFalse(try old.jsonLine().contains("\"pruned\":"), "no pruned key without a stopping point")
        XCTAssertNil(try TrialRecord(jsonLine: try old.jsonLine()).pruned)
        let pruned = TrialRecord(id: "p", parameters: [:], config: old.config, seed: 0, state: .pruned,
                                 epochs: [Self.epoch(0, val: 0.4), Self.epoch(1, val: 0.41), Self.epoch(2, val: 0.42)],
                                 bestEpoch: 2, objective: 0.42, attempts: 1, failure: TrialFailure(reason: "pruned by asha", stderrTail: ""),
                                 timings: old.timings, workerPID: nil, pruned: PruningPoint(method: "asha", epochs: 3, rung: 1))
        let line = try pruned.jsonLine()
        XCTAssertTrue(line.contains("\"pruned\":{\"epochs\":3,\"method\":\"asha\",\"rung\":1}"), line)
        XCTAssertEqual(try TrialRecord(jsonLine: line), pruned)
        XCTAssertEqual(try TrialRecord(jsonLine: line).pruned?.rung, 1)
    }

    private func recordLineWithoutRunFields() throws -> String {
        let line = try Self.record(id: "0123456789ab", state: .complete, objective: 0.5).jsonLine()
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        object["config_id"] = nil
        object["repeat"] = nil
        object["fold"] = nil
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    func testNonFiniteMetricsSurviveTheRoundTrip() throws {
        let nanEpoch = EpochMetrics(epoch: 0, lr: 10, train: ["loss": .infinity], val: ["loss": .nan, "roc_auc_samples": -.infinity],
                                    seconds: 1)
        let record = try Self.record(id: "aaaaaaaaaaaa", state: .diverged, objective: nil, epochs: [nanEpoch])
        let back = try TrialRecord(jsonLine: record.jsonLine())
        XCTAssertEqual(back.epochs.first?.train["loss"], .infinity)
        XCTAssertEqual(back.epochs.first?.val["roc_auc_samples"], -.infinity)
        XCTAssertEqual(back.epochs.first?.val["loss"]?.isNaN, true)
    }

    func testBestEpochIsDirectionAwareSkipsNaNAndKeepsTheEarliestTie() {
        let epochs = [Self.epoch(0, val: 0.7, valLoss: 0.5), Self.epoch(1, val: 0.9, valLoss: 0.3),
                      Self.epoch(2, val: .nan, valLoss: 0.2), Self.epoch(3, val: 0.9, valLoss: 0.6)]
        let maxF1 = TrialRecord.bestEpoch(of: epochs, by: Objective(metric: "f1_samples", split: .val, direction: .max))
        XCTAssertEqual(maxF1?.epoch, 1)
        XCTAssertEqual(maxF1?.value, 0.9)
        let minLoss = TrialRecord.bestEpoch(of: epochs, by: Objective(metric: "loss", split: .val, direction: .min))
        XCTAssertEqual(minLoss?.epoch, 2)
        XCTAssertNil(TrialRecord.bestEpoch(of: epochs, by: Objective(metric: "hamming_loss", split: .val, direction: .min)))
        XCTAssertNil(TrialRecord.bestEpoch(of: [], by: Objective()))
    }
}
