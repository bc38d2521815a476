import ArgumentParser

@main
struct Guichet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guichet",
        abstract: "Accessible public portal and online requests for a French local authority.",
        discussion: """
        Exit codes: 0 success, 1 findings or validation failure, 2 usage or configuration error.
        """,
        subcommands: [BuildCommand.self])
}
