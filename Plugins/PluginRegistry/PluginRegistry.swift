// SwiftPM build-tool plugin: before a module that uses it is compiled, runs
// PluginRegistryGenerator over the module's Swift files and adds the generated
// `PluginRegistry.generated.swift` (the module's list of LossPlugin / MetricPlugin types, each
// with the SHA-256 identity of its source files) to it.
// SwiftPM re-scans a target's folder on every build, so a new plugin folder under plugins/ is
// picked up by the next `swift build` without editing Package.swift.
import PackagePlugin

@main
struct PluginRegistry: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let inputs = module.sourceFiles(withSuffix: "swift").map(\.url)
        let output = context.pluginWorkDirectoryURL.appending(path: "PluginRegistry.generated.swift")
        return [
            .buildCommand(
                displayName: "Registering the plugins of \(target.name)",
                executable: try context.tool(named: "PluginRegistryGenerator").url,
                // The file list is in the arguments, so adding or removing a file changes the
                // command and reruns it; editing a file reruns it through `inputFiles`.
                arguments: ["--root", module.directoryURL.path, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]),
        ]
    }
}
