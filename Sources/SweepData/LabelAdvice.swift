/// What a data set's labels mean for a sweep, in words (`sweep data inspect` prints them):
/// images without a label or with every label, classes without a positive or without a
/// negative, and rare classes, each with its consequence for `pos_weight: auto`, the split and
/// the ROC AUC metrics. Nothing here is an error: `sweep run` checks the actual split.
public enum LabelAdvice {
    /// One sentence per finding; empty when the labels hold no surprise.
    ///
    /// - Parameter validation: the validation share a sweep would use (for the rare-class note).
    public static func notes(_ d: LabelledImages, validation: Double = 0.3) -> [String] {
        var notes: [String] = []
        let n = d.count, c = d.classCount
        guard n > 0, c > 0 else { return notes }
        let histogram = d.cardinalityHistogram, counts = d.classCounts
        if histogram[0] > 0 {
            notes.append("\(histogram[0]) of \(n) images \(histogram[0] == 1 ? "has" : "have") no label: roc_auc_samples (ROC AUC per image) is undefined for "
                         + "them, so it is NaN on any split that holds one and sweep run refuses it as the objective; use "
                         + "f1_samples or roc_auc_macro, or give them labels")
        }
        if c > 1, histogram[c] > 0 {
            notes.append("\(histogram[c]) of \(n) images \(histogram[c] == 1 ? "has" : "have") every label: roc_auc_samples is undefined for them too")
        }
        let empty = zip(d.classNames, counts).filter { $0.1 == 0 }.map(\.0)
        if !empty.isEmpty {
            notes.append("class(es) with no image: \(empty.joined(separator: ", ")): pos_weight: auto (bce's default) cannot "
                         + "weight them and roc_auc_macro is undefined; drop those columns, add images, or use pos_weight: none")
        }
        let full = zip(d.classNames, counts).filter { $0.1 == n }.map(\.0)
        if !full.isEmpty {
            notes.append("class(es) on every image: \(full.joined(separator: ", ")): roc_auc_macro is undefined and "
                         + "pos_weight: auto gives them weight 0")
        }
        // A class this rare may miss one side of a random split entirely.
        let rareLimit = max(3, Int((1 / max(min(validation, 1 - validation), 0.01)).rounded(.up)))
        let rare = zip(d.classNames, counts).filter { $0.1 > 0 && $0.1 < rareLimit }.map { "\($0.0) (\($0.1))" }
        if !rare.isEmpty {
            notes.append("rare class(es): \(rare.joined(separator: ", ")): a random split can leave one out of the training "
                         + "split (pos_weight: auto then stops the run) or out of validation (roc_auc_macro undefined there); "
                         + "data.stratified: true spreads each class over both")
        }
        return notes
    }
}
