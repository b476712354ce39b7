import TendCore

/// Applying `timezone`: the name goes to `/etc/timezone` and `/etc/localtime` becomes a link to the zone's file,
/// both written by handle through a temporary name and a rename (DESIGN "Root-safe"), so that a reader sees the old
/// zone or the new one. The files are written rather than asking `timedatectl`, which needs systemd as PID 1;
/// systemd's timedated reads the same link. The zone replaced is kept in backups (a `value` backup) and a release
/// puts it back only while the machine is still in the zone tend set.
extension TimezoneResource {
    public var lockGroup: String? { "timezone" }

    public var putsBackItself: Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        applyEach(requests) { request in
            let name = Self.name(of: request.resource)
            do {
                return try apply(request, name: name, context: context)
            } catch {
                throw ApplyFailure("could not set the timezone to \(name): \(ApplyFailure(error: error).message)")
            }
        }
    }

    private func apply(_ request: ChangeRequest, name: String, context: ApplyContext) throws -> ChangeResult {
        let current = current(files: context.host.files).name
        switch request.operation {
        case .create, .modify, .recreate:
            if let problem = Self.nameProblem(name, zoneinfo: zoneinfo, files: context.host.files) {
                throw ApplyFailure(problem)
            }
            try SettingOriginals.keep(current, label: "timezone", for: request.address, context: context)
            try write(name)
            return ChangeResult(written: PathFootprint.value(name))
        case .destroy, .release:
            guard let (original, backup) = try SettingOriginals.originalToPutBack(
                current: current, address: request.address, context: context) else {
                context.log("\(request.address): left as it is (no zone to put back, or it changed since tend set it)")
                return ChangeResult()
            }
            guard Self.nameProblem(original, zoneinfo: zoneinfo, files: context.host.files) == nil else {
                throw ApplyFailure("the kept zone '\(original)' is no longer in \(zoneinfo); it stays in backups")
            }
            try write(original)
            try context.backups?.discard(backup)
            context.log("\(request.address): put back the timezone \(original)")
            return ChangeResult()
        }
    }

    /// The name file first: a crash between the two leaves the link, which the C library reads, on the old zone.
    private func write(_ name: String) throws {
        let (etc, nameFile) = try DirectoryHandle.openParent(of: timezonePath)
        try etc.write(Array((name + "\n").utf8), to: nameFile, mode: 0o644)
        try etc.makeSymlink(PathNormalizer.lastComponent(localtimePath), target: zoneinfo + "/" + name)
    }
}
