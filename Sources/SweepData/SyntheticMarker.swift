import Foundation

/// The `SYNTHETIC.txt` file `sweep data synth` leaves in a generated folder, so that anything
/// reading the folder (and any result computed from it) can say the data is synthetic.
public enum SyntheticMarker {
    /// The marker's file name.
    public static let fileName = "SYNTHETIC.txt"

    /// The marker text for a generated folder.
    public static func text(seed: UInt64, images: Int, generator: String) -> String {
        """
        SYNTHETIC DATA: procedurally drawn scenes in the MIML natural-scene layout, not real photos.
        Results computed on this folder say nothing about the real MIML data set.
        generator: \(generator)
        seed: \(seed)
        images: \(images)
        classes: desert, mountains, sea, sunset, trees

        """
    }

    /// The description of the synthetic data in `folder`, or nil when the folder has no marker.
    public static func read(in folder: URL) -> String? {
        let url = folder.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var parts = ["synthetic MIML-format scenes"]
        if let generator = fields["generator"] { parts.append("generator \(generator)") }
        if let seed = fields["seed"] { parts.append("seed \(seed)") }
        if let images = fields["images"] { parts.append("\(images) images") }
        return parts.joined(separator: ", ") + " (\(url.path))"
    }
}
