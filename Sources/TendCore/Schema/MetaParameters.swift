/// The parameters every resource accepts besides its type's own (DESIGN section 1).
public enum MetaParameters {
    public static let names: [String] = ["type", "id", "dependsOn", "when", "ensure", "tags", "sensitive", "retry", "timeout", "keep"]
    /// The sugar key of package types.
    public static let packageList = "packages"
    public static let whenKeys: [String] = ["os", "distro", "arch", "hostname", "env", "group"]
    public static let retryKeys: [String] = ["attempts", "backoff"]
    public static let ensureValues: [String] = ["present", "absent"]

    public static let summaries: [String: String] = [
        "type": "the resource type",
        "id": "overrides the key in the resource's address",
        "dependsOn": "addresses of resources to apply first",
        "when": "apply only on hosts that match (os, distro, arch, hostname, env, fleet group)",
        "ensure": "present (default) or absent",
        "tags": "labels for --tag",
        "sensitive": "names of parameters never shown or stored in clear",
        "retry": "attempts and backoff for retryable failures",
        "timeout": "how long one command may run: seconds, or a duration such as 90s, 5m",
        "keep": "true: when it leaves the config tend stops managing it and leaves it in place, never removes it",
    ]
}
