/// The regions the mock platform has, as a platform account sees them.
enum PlatformRegions {
  /// The default region.
  static let defaultRegion = "aws:us-east-1"
  /// Every region, the default first.
  static let all = [defaultRegion, "azure:westus"]

  /// Whether `region` is one of the platform's regions.
  static func isKnown(_ region: String) -> Bool { all.contains(region) }
}
