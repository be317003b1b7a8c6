import ArgumentParser
import Foundation
import SweepCore
import SweepReport
import SweepRunner

/// `sweep report results/<name> [--out FILE]`: the HTML report of a results folder.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the HTML report of a results folder (sweep run also writes and refreshes it).",
        discussion: """
            One self-contained page (inline CSS and SVG, no network; opens from file://): \
            provenance with banners for synthetic data or a random trunk, the leaderboard \
            (sortable, the same cells as leaderboard.csv), parallel coordinates and one plot per \
            searched parameter against the objective, learning curves of the top configurations, \
            the chosen model (per-class precision/recall/F1 at its threshold, precision-recall \
            curves and true-vs-predicted labels on validation), counts, time and every failure's \
            reason. `sweep run` writes it to results/<name>/report.html at the start, after each \
            finished trial and at the end. Safe to run while the sweep runs (it only reads).
            """)

    @Argument(help: "A results folder, e.g. results/scene.")
    var folder: String

    @Option(help: "Where to write the page (default: <folder>/report.html).")
    var out: String?

    func run() throws {
        try runReportingErrors {
            let (store, plan) = try ResultsFolder.open(folder)
            let path = out ?? store.directory + "/" + LiveReport.fileName
            let report = LiveReport(store: store, plan: plan, path: path)
            try report.finish()
            print(path)
        }
    }
}

/// `sweep show results/<name>`: the leaderboard and the chosen model in the terminal.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a results folder's leaderboard and chosen model in the terminal.",
        discussion: """
            Fitted to the terminal's width (COLUMNS, else the terminal's own, else 100 columns); \
            columns that do not fit are named and left out. Numbers are rounded to 4 decimals \
            (leaderboard.csv has them in full). Safe to run while the sweep runs.
            """)

    @Argument(help: "A results folder, e.g. results/scene.")
    var folder: String

    @Option(help: "Leaderboard rows to show.")
    var top = 20

    @Flag(help: "Show every row.")
    var all = false

    @Option(help: "Characters per line (default: the terminal's width).")
    var width: Int?

    func run() throws {
        try runReportingErrors {
            let (store, plan) = try ResultsFolder.open(folder)
            let model = try ReportReader(store: store, plan: plan).model()
            let color = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            let options = TerminalReport.Options(width: width ?? TerminalWidth.current(), top: all ? nil : max(1, top), color: color)
            print(TerminalReport.render(model, options), terminator: "")
        }
    }
}

/// A results folder and the sweep it holds (its resolved `sweep.yaml`).
enum ResultsFolder {
    static func open(_ folder: String) throws -> (ResultsStore, SweepPlan) {
        let directory = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        let store = ResultsStore(directory: directory)
        guard let data = FileManager.default.contents(atPath: store.specPath), let text = String(data: data, encoding: .utf8) else {
            throw CommandError("\(directory): not a results folder (no sweep.yaml); give results/<name> of a sweep that has run")
        }
        do {
            // Paths in the resolved file were checked when the sweep ran; they need not exist here.
            let plan = try SweepFile.parse(text, displayPath: store.specPath, catalog: try CommandPlugins.catalog(),
                                           fileExists: { _ in true }, defaultWorkers: 1)
            return (store, plan)
        } catch let errors as SpecErrors {
            throw CommandError(errors.issues.map(\.description).joined(separator: "\n"))
        }
    }
}

/// The terminal's width: `COLUMNS`, else the TIOCGWINSZ of stdout, else 100.
enum TerminalWidth {
    static func current() -> Int {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 { return columns }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }
}
