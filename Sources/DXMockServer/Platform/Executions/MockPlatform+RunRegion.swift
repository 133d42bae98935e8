import DXWire

// MARK: - The region a run happens in

extension MockPlatform {
  /// `executable` as it runs in `project`'s region: an app must be enabled in that region (and runs
  /// that region's applet), an applet must be in a project of that region, as the platform keeps
  /// executables and the data they run on in one region.
  /// - Throws: InvalidInput when the executable is not available in the project's region.
  static func inRegion(_ executable: ExecutableInfo, of project: String, state: PlatformState)
    throws(DXPlatformError) -> ExecutableInfo
  {
    let region = state.projects[project]?.region ?? PlatformRegions.defaultRegion
    if let appID = executable.app, let app = state.apps[appID] {
      let regional = app.regionalOptions ?? [PlatformRegions.defaultRegion: ["applet": .string(app.applet)]]
      guard let entry = regional[region] else {
        throw .invalidInput(
          "The app \(app.name) is not enabled in the region \(region) of \(project); it is enabled in "
            + regional.keys.sorted().joined(separator: ", "))
      }
      var info = executable
      if let applet = entry["applet"]?.stringValue, applet != app.applet,
        let spec = state.objects[applet]?.applet
      {
        info.spec = spec
      }
      return info
    }
    if let appletID = executable.applet, let applet = state.objects[appletID] {
      guard applet.copies.keys.contains(where: { state.projects[$0]?.region == region }) else {
        throw .invalidInput(
          "The applet \(appletID) is not in a project in the region \(region), so it cannot run in \(project)"
        )
      }
    }
    return executable
  }
}
