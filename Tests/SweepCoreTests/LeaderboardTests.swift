import SweepCore
import XCTest

/// Leaderboard ranking and CSV rows.
final class LeaderboardTests: XCTestCase {
    typealias R = TrialRecordTests

    func records() throws -> [TrialRecord] {
        [
            try R.record(id: "f00000000000", state: .failed, objective: nil, parameters: ["lr": .number(1)],
                         failure: TrialFailure(reason: "timed out", stderrTail: "")),
            try R.record(id: "c10000000000", state: .complete, objective: 0.8, parameters: ["lr": .number(0.1)],
                         epochs: [R.epoch(0, val: 0.8, trainLoss: 0.6), R.epoch(1, val: 0.7, trainLoss: 0.25)], bestEpoch: 0),
            try R.record(id: "d00000000000", state: .diverged, objective: 0.95, parameters: ["lr": .number(10)]),
            try R.record(id: "c30000000000", state: .complete, objective: 0.9, parameters: ["lr": .number(0.01)]),
            try R.record(id: "c20000000000", state: .complete, objective: 0.9, parameters: ["lr": .number(0.001)]),
            try R.record(id: "p00000000000", state: .pruned, objective: 0.99, parameters: ["lr": .number(0.5)]),
            try R.record(id: "c00000000000", state: .complete, objective: .nan, parameters: ["lr": .number(0.2)]),
        ]
    }

    func testRankingByObjectiveThenStateThenId() throws {
        let maximise = Leaderboard(parameterNames: ["lr"], metricNames: ["loss", "f1_samples"],
                                   objective: Objective(metric: "f1_samples", split: .val, direction: .max))
        XCTAssertEqual(maximise.ranked(try records()).map(\.id),
                       ["c20000000000", "c30000000000", "c10000000000", "c00000000000", "p00000000000", "d00000000000", "f00000000000"])
        let minimise = Leaderboard(parameterNames: ["lr"], metricNames: ["loss"],
                                   objective: Objective(metric: "loss", split: .val, direction: .min))
        XCTAssertEqual(minimise.ranked(try records()).map(\.id),
                       ["c10000000000", "c20000000000", "c30000000000", "c00000000000", "p00000000000", "d00000000000", "f00000000000"])
        XCTAssertEqual(maximise.ranked(try records().reversed()).map(\.id), maximise.ranked(try records()).map(\.id),
                       "independent of input order")
    }

    /// Issue 13: ties on the objective go to the lower validation loss at the best epoch, then
    /// to the trial earlier in the plan (not to the smaller id).
    func testTiesGoToTheLowerValidationLossThenTheEarlierTrial() throws {
        let tied = [
            try R.record(id: "a00000000000", state: .complete, objective: 0.9, epochs: [R.epoch(0, val: 0.9, valLoss: 0.5)], bestEpoch: 0),
            try R.record(id: "b00000000000", state: .complete, objective: 0.9, epochs: [R.epoch(0, val: 0.9, valLoss: 0.3)], bestEpoch: 0),
            try R.record(id: "c00000000000", state: .complete, objective: 0.9, epochs: [R.epoch(0, val: 0.9, valLoss: 0.5)], bestEpoch: 0),
        ]
        let board = Leaderboard(parameterNames: [], metricNames: ["loss", "f1_samples"],
                                objective: Objective(metric: "f1_samples", split: .val, direction: .max),
                                planOrder: ["c00000000000": 0, "b00000000000": 1, "a00000000000": 2])
        XCTAssertEqual(board.ranked(tied).map(\.id), ["b00000000000", "c00000000000", "a00000000000"])
    }

    /// A swept parameter named like a fixed column (`epochs`) must not give the CSV two columns
    /// of one name (pandas would rename one `epochs.1`).
    func testColumnNamesAreDistinctWhateverIsSwept() throws {
        let plan = try Support.plan("name: a\ngrid:\n  epochs: [1, 2]\n  batch_size: [8, 16]\n  lr: [0.1]\n")
        let header = Leaderboard(plan: plan).header
        XCTAssertEqual(Set(header).count, header.count, "\(header)")
        XCTAssertTrue(header.contains("epochs") && header.contains("epochs_run"), "\(header)")
    }

    func testCSVRows() throws {
        let plan = try Support.plan("name: a\ngrid:\n  lr: [0.1]\n  loss.pos_weight: [[1, 2]]\n")
        let board = Leaderboard(plan: plan)
        XCTAssertEqual(board.header, ["rank", "id", "state", "config_id", "repeat", "fold", "lr", "loss.pos_weight", "best_epoch",
                                      "val_loss", "val_f1_samples", "val_roc_auc_samples", "train_loss", "epochs_run", "final_train_loss",
                                      "reason"])
        var recs = try records()
        recs[1] = try R.record(id: "c10000000000", state: .complete, objective: 0.8,
                               parameters: ["lr": .number(0.1), "loss.pos_weight": .numbers([1, 2])],
                               epochs: [R.epoch(0, val: 0.8, trainLoss: 0.6), R.epoch(1, val: 0.7, trainLoss: 0.25)], bestEpoch: 0)
        let rows = board.rows(recs)
        XCTAssertEqual(rows.count, 7)
        // train_loss is the best epoch's (0.6), final_train_loss the last epoch's (0.25).
        // no wall time: runs.csv depends only on what was computed
        XCTAssertEqual(rows[2], ["3", "c10000000000", "complete", "c10000000000", "0", "", "0.1", "[1, 2]", "0", "0.4", "0.8", "0.9",
                                 "0.6", "2", "0.25", ""])
        XCTAssertEqual(rows[6], ["7", "f00000000000", "failed", "f00000000000", "0", "", "1", "", "", "", "", "", "", "0", "", "timed out"])
        let csv = board.csv(recs)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 9, "header, 7 rows, and the empty string after the final newline")
        XCTAssertEqual(lines[0], "rank,id,state,config_id,repeat,fold,lr,loss.pos_weight,best_epoch,val_loss,val_f1_samples,"
                       + "val_roc_auc_samples,train_loss,epochs_run,final_train_loss,reason")
        XCTAssertEqual(lines[3], "3,c10000000000,complete,c10000000000,0,,0.1,\"[1, 2]\",0,0.4,0.8,0.9,0.6,2,0.25,")
    }
}
