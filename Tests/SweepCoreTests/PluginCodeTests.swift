import Foundation
import SweepCore
import SweepPluginAPI
import SweepTensor
import XCTest

/// Code identities in trial ids: a trial that uses a user plugin carries its identity (and gets
/// a new id when that plugin's code changes); a trial using only built-ins keeps the id of the
/// version before identities existed.
final class PluginCodeTests: XCTestCase {
    /// bce, f1_samples and roc_auc_samples built in; focal and fbeta_samples the user's, with `code`.
    static func catalog(focalCode: String = "sha256:1111", fbetaCode: String = "sha256:2222") throws -> PluginCatalog {
        let builtIn: [any SweepPlugin.Type] = [DummyBCE.self, DummyF1.self, DummyAUC.self, DummyHamming.self]
        return try PluginCatalog(
            builtIn: builtIn.map { PluginRegistration($0, codeIdentity: "sha256:b0\($0.name)", files: ["\($0.name).swift"]) },
            user: [PluginRegistration(DummyFocal.self, codeIdentity: focalCode, files: ["focal/Focal.swift"]),
                   PluginRegistration(DummyFBeta.self, codeIdentity: fbetaCode, files: ["fbeta/FBeta.swift"])])
    }

    static func plan(_ text: String, _ catalog: PluginCatalog) throws -> SweepPlan {
        try SweepFile.parse(text, displayPath: "sweeps/x.yaml", overrides: [], catalog: catalog,
                            fileExists: { Support.existing.contains($0) }, defaultWorkers: 4)
    }

    let grid = """
        name: p
        train: {epochs: 2, metrics: [f1_samples, roc_auc_samples]}
        grid:
          loss: [bce, focal]
          lr: [0.1, 0.01]
        """

    /// `TrialConfig.id` as the previous version computed it (copied from it): the ids of trials
    /// without user plugins must not change, or old results folders would not resume.
    static func previousVersionID(_ c: TrialConfig) -> String {
        struct DataIdentity: Encodable {
            var format: String, path: String, validation: Double, split_seed: Int, stratified: Bool
        }
        struct BackboneIdentity: Encodable { var name: String, weights: String }
        struct Identity: Encodable {
            var train: TrainConfig, seed: Int, data: DataIdentity, backbone: BackboneIdentity
        }
        let identity = Identity(
            train: c.train, seed: c.seed,
            data: DataIdentity(format: c.data.format.rawValue, path: c.data.path, validation: c.data.validation,
                               split_seed: c.data.splitSeed, stratified: c.data.stratified),
            backbone: BackboneIdentity(name: c.backbone.name, weights: c.backbone.weights.description))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(ContentHasher.sha256Hex((try? encoder.encode(identity)) ?? Data()).prefix(12))
    }

    func testOnlyTrialsUsingAUserPluginCarryItsCode() throws {
        let plan = try Self.plan(grid, try Self.catalog())
        XCTAssertEqual(plan.trials.count, 4)
        for t in plan.trials {
            if t.config.train.loss.name == "focal" {
                XCTAssertEqual(t.config.pluginCode, ["focal": "sha256:1111"])
                XCTAssertNotEqual(t.id, Self.previousVersionID(t.config))
            } else {
                XCTAssertNil(t.config.pluginCode)
                XCTAssertEqual(t.id, Self.previousVersionID(t.config), "a built-in-only trial keeps its old id")
            }
        }
        // A user metric counts too.
        let metric = try Self.plan("name: m\ntrain: {metrics: [f1_samples, fbeta_samples]}\n", try Self.catalog())
        XCTAssertEqual(metric.trials.first?.config.pluginCode, ["fbeta_samples": "sha256:2222"])
    }

    /// Changing the user loss's code changes exactly the ids of the trials that use it.
    func testChangedPluginCodeChangesExactlyTheIdsOfItsTrials() throws {
        let before = try Self.plan(grid, try Self.catalog())
        let after = try Self.plan(grid, try Self.catalog(focalCode: "sha256:9999"))
        let unusedChanged = try Self.plan(grid, try Self.catalog(fbetaCode: "sha256:8888"))
        for (b, a) in zip(before.trials, after.trials) {
            XCTAssertEqual(b.id == a.id, b.config.train.loss.name == "bce", "\(b.parameters)")
        }
        XCTAssertEqual(before.trials.map(\.id), unusedChanged.trials.map(\.id), "a plugin no trial uses changes nothing")
        // Identities are in the record's config, and read back.
        let config = try XCTUnwrap(after.trials.last?.config)
        let json = try JSONEncoder().encode(config)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains(#""plugin_code":{"focal":"sha256:9999"}"#))
        XCTAssertEqual(try JSONDecoder().decode(TrialConfig.self, from: json), config)
    }

    /// A catalog built from bare types (no identities) gives the previous ids for every trial.
    func testCatalogWithoutIdentitiesGivesThePreviousIds() throws {
        let plan = try Self.plan(grid, Support.catalog)
        for t in plan.trials {
            XCTAssertNil(t.config.pluginCode)
            XCTAssertEqual(t.id, Self.previousVersionID(t.config))
        }
    }
}

/// `--rerun`: which finished trials run again.
final class RerunSelectionTests: XCTestCase {
    func testParsesStatesAllAndIds() throws {
        let s = try RerunSelection(["failed,diverged", "ABCD12", "all"])
        XCTAssertEqual(s.states, [.failed, .diverged])
        XCTAssertEqual(s.ids, ["abcd12"])
        XCTAssertTrue(s.all)
        XCTAssertTrue(try RerunSelection([]).isEmpty)
        XCTAssertThrowsError(try RerunSelection(["faild"])) { error in
            XCTAssertTrue("\(error)".contains("'faild'") && "\(error)".contains("diverged"), "\(error)")
        }
        XCTAssertThrowsError(try RerunSelection(["abc"]), "3 hex digits are too few")
    }

    func testSelectsFinishedTrialsByStateAndId() throws {
        let plan = try Support.plan("name: r\ngrid: {lr: [0.1, 0.01, 0.001, 0.0001]}\n")
        let ids = plan.trials.map(\.id)
        let records = try [
            TrialRecordTests.record(id: ids[0], state: .complete, objective: 0.5),
            TrialRecordTests.record(id: ids[1], state: .failed, objective: nil),
            TrialRecordTests.record(id: ids[2], state: .diverged, objective: nil),
            TrialRecordTests.record(id: "ffffffffffff", state: .failed, objective: nil),   // not in this plan
        ]
        XCTAssertEqual(try RerunSelection(["failed"]).finishedTrialsToRerun(plan: plan, records: records), [ids[1]])
        XCTAssertEqual(try RerunSelection(["failed", "diverged"]).finishedTrialsToRerun(plan: plan, records: records), [ids[1], ids[2]])
        XCTAssertEqual(try RerunSelection(["all"]).finishedTrialsToRerun(plan: plan, records: records), Set(ids.prefix(3)))
        XCTAssertEqual(try RerunSelection([String(ids[0].prefix(8))]).finishedTrialsToRerun(plan: plan, records: records), [ids[0]])
        XCTAssertEqual(try RerunSelection([ids[3]]).finishedTrialsToRerun(plan: plan, records: records), [],
                       "an unfinished trial runs anyway")
        XCTAssertThrowsError(try RerunSelection(["0000aaaa"]).namedTrials(in: plan)) { error in
            XCTAssertTrue("\(error)".contains("no trial of sweep 'r' has id '0000aaaa'"), "\(error)")
        }
    }
}
