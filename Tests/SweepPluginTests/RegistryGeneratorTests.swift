import Foundation
import XCTest

/// The `PluginRegistryGenerator` executable (built with the tests) on a module of two files.
final class RegistryGeneratorTests: XCTestCase {
    /// The directory of the built products (where the test bundle and the generator are).
    var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    func testNestedPluginTypeIsNotRegisteredAndWarnsWithItsFileAndName() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("registry-generator-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = directory.appendingPathComponent("List.swift")
        try "import SweepPluginAPI\nenum Registry: PluginList {}\n".write(to: list, atomically: true, encoding: .utf8)
        let plugins = directory.appendingPathComponent("Plugins.swift")
        try """
            import SweepPluginAPI
            struct TopLevel: MetricPlugin {}
            enum Outer {
                struct Inner: LossPlugin {}
            }

            """.write(to: plugins, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("Generated.swift")

        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("PluginRegistryGenerator")
        process.arguments = [output.path, list.path, plugins.path]
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        let diagnostics = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        XCTAssertEqual(process.terminationStatus, 0, diagnostics)
        XCTAssertEqual(diagnostics, "\(plugins.path):4: warning: 'Inner' is nested in another declaration and cannot be "
                       + "registered as a plugin; declare it at the top level of its file\n")
        let generated = try String(contentsOf: output, encoding: .utf8)
        XCTAssertTrue(generated.contains("TopLevel.self"), generated)
        XCTAssertFalse(generated.contains("Inner"), generated)
    }
}
