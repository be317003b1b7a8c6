import ArgumentParser
import SweepPluginAPI
import SweepPluginChecks
import SweepPlugins

/// `sweep plugins`: lists the loss and metric plugins; `sweep plugins check` runs the shared suite.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the loss and metric plugins, or check them with the shared suite.",
        subcommands: [List.self, Check.self],
        defaultSubcommand: List.self)

    /// `sweep plugins [list]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every plugin: kind, name, parameters with defaults, summary; for a user plugin its code identity.")

        func run() throws {
            let catalog = try AllPlugins.catalog()
            print(PluginListing.text(catalog), terminator: "")
        }
    }

    /// `sweep plugins check [NAME...]`
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the shared conformance suite; exits 1 when a plugin fails a property.")

        @Argument(help: "Plugins to check (default: all).")
        var names: [String] = []

        func run() throws {
            let results = try PluginChecks.check(try AllPlugins.catalog(), names: names)
            for r in results {
                print(r)
                for s in r.skipped { print("      (\(s.property.rawValue) not checked: \(s.reason))") }
            }
            let failed = results.filter { !$0.passed }
            print("\(results.count) plugin\(results.count == 1 ? "" : "s") checked, \(failed.count) failed"
                  + (failed.isEmpty ? "" : ": " + failed.map(\.plugin).joined(separator: ", ")))
            if !failed.isEmpty { throw ExitCode.failure }
        }
    }
}

/// The text of `sweep plugins`.
enum PluginListing {
    static func text(_ catalog: PluginCatalog) -> String {
        var out = ""
        let types: [(PluginKind, any SweepPlugin.Type)] =
            catalog.losses.map { (.loss, $0) } + catalog.metrics.map { (.metric, $0) }
        let width = max(12, types.map { $0.1.name.count }.max() ?? 0) + 2
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - s.count)) }
        for (kind, t) in types {
            var summary = t.summary
            if let m = t as? any MetricPlugin.Type { summary += m.higherIsBetter ? " [higher is better]" : " [lower is better]" }
            if let l = t as? any LossPlugin.Type, l.reduction == .wholeBatch { summary += " [whole-batch]" }
            out += pad(kind.rawValue, 8) + pad(t.name, width) + summary + "\n"
            if let source = catalog.sources[t.name], source.origin == .user {
                out += String(repeating: " ", count: 8 + width + 2) + "code \(source.codeIdentity.prefix(19)) "
                    + "(plugins/\(source.files.joined(separator: ", plugins/")))\n"
            }
            for p in t.parameters {
                var line = p.name + (p.defaultValue.map { " = \($0)" } ?? " (required)")
                var kindText = p.kind == .choiceOrNumbers ? (p.choices + ["[numbers]"]).joined(separator: " | ") : p.kind.rawValue
                if let r = p.range { kindText += " in [\(formatNumber(r.lowerBound)), \(formatNumber(r.upperBound))]" }
                else if !p.choices.isEmpty && p.kind == .string { kindText = p.choices.joined(separator: " | ") }
                line += "  (\(kindText)): \(p.summary)"
                out += String(repeating: " ", count: 8 + width + 2) + line + "\n"
            }
        }
        return out
    }
}
