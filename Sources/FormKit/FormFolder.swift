import Foundation
import GuichetModel

extension FormLoader {
    /// A form file larger than this is refused unread (a real form is a few kilobytes).
    public static let maximumFileBytes = 2_000_000

    /// Every `Forms/*.yaml` of a site. The site builder and the gateway both load forms through
    /// here, so they can never disagree on which definitions exist.
    /// A missing folder is fine (a site of information pages only).
    public static func loadFolder(_ folder: URL, services: [Service]) -> (forms: [FormDefinition], diagnostics: [Diagnostic]) {
        var forms: [FormDefinition] = []
        var diagnostics: [Diagnostic] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        for name in names {
            let sourcePath = "Forms/\(name)"
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
            guard name.hasSuffix(".yaml"), !isDirectory.boolValue else {
                diagnostics.append(Diagnostic(file: sourcePath, message:
                    "Seuls des fichiers .yaml sont attendus dans Forms/, directement dans le dossier : déplacez ou renommez ce fichier."))
                continue
            }
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                  data.count <= maximumFileBytes, let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic(file: sourcePath, message:
                    "Le fichier est illisible, trop gros (plus de 2 Mo) ou n’est pas un texte UTF-8 : enregistrez-le en UTF-8."))
                continue
            }
            do {
                forms.append(try parse(text, file: sourcePath, services: services))
            } catch {
                diagnostics.append(error)
            }
        }
        return (forms, diagnostics)
    }
}
