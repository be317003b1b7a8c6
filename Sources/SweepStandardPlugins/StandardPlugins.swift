import SweepPluginAPI

/// The built-in losses and metrics.
///
/// `all` is generated at build time by the `PluginRegistry` build-tool plugin from every type in
/// this module that conforms to `LossPlugin` or `MetricPlugin`, exactly as for the user's
/// plugins under `plugins/`: adding a file here is enough, there is no list to edit.
public enum StandardPlugins: PluginList {}
