import ArgumentParser

/// The `sweep` command line.
@main
struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "AutoML sweeps of multi-label image classifiers on cached ResNet50 features.",
        subcommands: [RunCommand.self, ValidateCommand.self, SchemaCommand.self, ReportCommand.self, ShowCommand.self,
                      StatusCommand.self, CancelCommand.self, PredictCommand.self, EmbedCommand.self,
                      DataCommand.self, PluginsCommand.self, WorkerCommand.self, ExtractShardCommand.self])
}
