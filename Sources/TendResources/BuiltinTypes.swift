import TendCore

/// The built-in resource types, in the order `tend types` lists them; the CLI hands this registry to the engine.
public enum BuiltinTypes {
    public static let all: [any ResourceType] = [
        AptPackage(), BrewPackage(), PipPackage(), PipxPackage(), FileResource(), DirectoryResource(),
        SymlinkResource(), AliasResource(), PathResource(), EnvResource(), GitConfigResource(), GitCloneResource(),
        SshKeyResource(), ScriptResource(), ShellHookResource(),
        LineInFileResource(), BlockInFileResource(), IniSettingResource(), JsonSettingResource(),
        SshConfigHostResource(), KnownHostsResource(), HostsEntryResource(),
        LoginShellResource(), GroupMembershipResource(), TimezoneResource(),
        SystemdUserUnitResource(), GsettingsResource(), DconfResource(), MacDefaultsResource(),
        LaunchdAgentResource(),
        DownloadResource(), ArchiveResource(), CronResource(), AptRepositoryResource(), FontResource(),
    ]

    public static let registry = TypeRegistry(all)
}
