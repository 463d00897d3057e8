/// Counts in sentences people read: "1 gallery", "2 galleries", never "1 galleries".
public enum Wording {
    /// `count` followed by the singular or plural noun (the plural defaults to singular + "s").
    public static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
