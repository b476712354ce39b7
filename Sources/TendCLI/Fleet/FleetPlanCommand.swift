import ArgumentParser
import TendFleet

/// `tend fleet plan`: what apply would change on each host; changes nothing.
struct FleetPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change on each host, touching nothing.",
        discussion: """
        Checks the config here for every selected host (with its variables and groups), ships it, and runs \
        'tend plan' there. Exit status: 0 when every host answered, 1 when any failed or was unreachable.

        Examples:
          tend fleet plan
          tend fleet plan -i fleet.yaml -c tend.yaml --hosts laptops
        """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        try await FleetSession(options: options, fleet: fleet).run(.plan)
    }
}
