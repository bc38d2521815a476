import ArgumentParser
import Foundation

@main
struct Guichet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guichet",
        abstract: "Accessible public portal and online requests for a French local authority.",
        discussion: """
        Exit codes: 0 success, 1 findings or validation failure, 2 usage or configuration error.
        """,
        subcommands: [BuildCommand.self, CheckCommand.self, ServeCommand.self, GatewayCommand.self, QueueCommand.self, TokenCommand.self, MailCommand.self])

    /// Same as ArgumentParser's, except that usage errors exit with 2 (the CLI contract of
    /// DESIGN.md, which scripts and CI rely on) instead of sysexits' 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
