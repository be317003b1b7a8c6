import ArgumentParser
import SweepCore

/// `sweep schema`: every sweep-file key, from the table the validator reads files with.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "List every key of a sweep file: its type, default and meaning.",
        discussion: """
            Generated from the table `sweep validate` and `sweep run` read sweep files with. Keys \
            are dotted paths (`train.optimizer.lr` is `lr` under `optimizer:` under `train:`), as \
            `--set` takes them; those with a grid name can be swept under `grid:`. Plugin \
            parameters: `sweep plugins`.
            """)

    func run() throws {
        print(SweepSchema.text(), terminator: "")
    }
}
