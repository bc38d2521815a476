import ArgumentParser
import Foundation

/// Options shared by every command that works on a site folder.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: "Folder holding guichet.yaml, Content/ and Theme/.")
    var root: String = "."

    var rootURL: URL { URL(fileURLWithPath: root).standardizedFileURL }
}

func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}
