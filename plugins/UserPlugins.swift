// The module of the user's plugins. Each plugin lives in a folder of its own under plugins/
// (see plugins/README.md). This file only declares the registry: the PluginRegistry build-tool
// plugin fills in `UserPlugins.all` from every LossPlugin / MetricPlugin type in the folders.
// Keep this file: SwiftPM cannot build the module without at least one source file of its own.
import SweepPluginAPI

/// The plugins found under `plugins/` at build time.
public enum UserPlugins: PluginList {}
