/// Why a page could not be checked at all. The description is French, for the person
/// who runs the build or `guichet check`.
public enum HTMLDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The page is bigger than `HTMLDocument.maximumByteCount`.
    case tooLarge(byteCount: Int, limit: Int)
    /// libxml2 returned no document at all.
    case unreadable
    /// The file could not be opened or read (permissions, removed while being checked).
    case cannotRead

    public var description: String {
        switch self {
        case let .tooLarge(byteCount, limit):
            return "La page fait \(byteCount / (1024 * 1024)) Mo : au-delà de \(limit / (1024 * 1024)) Mo, "
                + "le vérificateur RGAA refuse de l'analyser. Découpez la page en plusieurs pages plus légères."
        case .unreadable:
            return "Le fichier ne peut pas être lu comme une page HTML."
        case .cannotRead:
            return "Le fichier n’a pas pu être ouvert ou lu (droits d’accès, fichier supprimé pendant la vérification)."
        }
    }
}
