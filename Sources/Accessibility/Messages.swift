/// Every French text the checker shows: what is wrong (`message`) and how to fix it (`fix`).
/// Kept in one place so that wording is reviewed and changed without touching rule logic.
enum Messages {
    // MARK: 1. Images
    static let imageWithoutAlt = Wording(
        message: "Image sans attribut alt.",
        fix: "Ajoutez un attribut alt : une alternative courte et pertinente si l’image porte une information, alt=\"\" si elle est décorative.")
    static let imageAltOnlySpaces = Wording(
        message: "Image dont l’attribut alt ne contient que des espaces.",
        fix: "Écrivez une alternative pertinente si l’image porte une information, ou alt=\"\" (sans espace) si elle est décorative.")
    static let langOnlyXMLLang = Wording(
        message: "La langue de la page n’est donnée que par xml:lang, sans effet dans une page HTML.",
        fix: "Ajoutez l’attribut lang à la balise <html>, par exemple <html lang=\"fr\" xml:lang=\"fr\">.")
    static let roleImageWithoutName = Wording(
        message: "Élément de rôle img sans alternative textuelle.",
        fix: "Donnez-lui une alternative avec aria-label ou aria-labelledby, ou, s’il est décoratif, retirez role=\"img\" et ajoutez aria-hidden=\"true\".")
    static let svgImageWithoutName = Wording(
        message: "Image vectorielle <svg role=\"img\"> sans alternative textuelle.",
        fix: "Ajoutez aria-label (ou aria-labelledby vers un texte), ou aria-hidden=\"true\" si l’image est décorative.")
    static let areaWithoutAlt = Wording(
        message: "Zone cliquable <area> sans attribut alt.",
        fix: "Ajoutez un attribut alt qui dit où mène la zone.")
    static let inputImageWithoutAlt = Wording(
        message: "Bouton image <input type=\"image\"> sans alternative textuelle.",
        fix: "Ajoutez un attribut alt qui donne l’action du bouton (par exemple alt=\"Rechercher\").")
    static func decorativeImageWithAlternative(_ attributes: [String]) -> Wording {
        Wording(message: "Image marquée comme décorative mais pourvue d’une alternative (\(attributes.joined(separator: ", "))).",
                fix: "Si l’image est décorative, retirez \(attributes.joined(separator: ", ")) ; si elle porte une information, donnez-lui un alt non vide.")
    }

    // MARK: 2. Cadres
    static let frameWithoutTitle = Wording(
        message: "Cadre sans attribut title.",
        fix: "Ajoutez au cadre un attribut title qui décrit son contenu (par exemple title=\"Carte de la commune\").")
    static let frameTitleEmpty = Wording(
        message: "Cadre dont l’attribut title est vide.",
        fix: "Écrivez dans l’attribut title ce que contient le cadre.")
    static func frameTitleGeneric(_ title: String) -> Wording {
        Wording(message: "Titre de cadre peu explicite : « \(q(title)) ».",
                fix: "Vérifiez que le titre décrit le contenu du cadre ; sinon, remplacez-le par une description précise.")
    }

    // MARK: 3. Couleurs
    static func lowContrast(ratio: Double, required: Double, text: CSSColor, background: CSSColor) -> Wording {
        Wording(message: "Contraste insuffisant : \(french(ratio)):1 entre le texte (\(hex(text))) et son arrière-plan (\(hex(background))) ; il faut au moins \(french(required)):1.",
                fix: "Foncez le texte ou éclaircissez le fond (ou l’inverse) jusqu’à un rapport d’au moins \(french(required)):1.")
    }

    /// The contrast of a text could not be computed; `what` is "l’arrière-plan" or "la couleur du texte".
    static func contrastNotComputable(_ reason: ContrastRule.Unknown, onBackground: Bool, required: Double) -> Wording {
        let what = onBackground ? "l’arrière-plan" : "la couleur du texte"
        let check = "Vérifiez à la main que ce texte a un contraste d’au moins \(french(required)):1 avec son arrière-plan."
        switch reason {
        case .variable(.undefined(let name)):
            return Wording(message: "Contraste non calculable : \(what) utilise la variable CSS \(q(name)), qui n’est définie dans aucune règle que le vérificateur sait appliquer.",
                           fix: "\(check) Définissez la variable (par exemple dans :root) ou ajoutez une valeur de repli : var(\(q(name)), couleur).")
        case .variable(.cyclic(let name)):
            return Wording(message: "Contraste non calculable : \(what) utilise la variable CSS \(q(name)), définie à partir d’elle-même (référence circulaire).",
                           fix: "\(check) Donnez à la variable une valeur qui ne dépend pas d’elle-même.")
        case .variable(.malformed):
            return Wording(message: "Contraste non calculable : \(what) utilise une fonction var() mal formée.",
                           fix: "\(check) Écrivez var(--nom) ou var(--nom, valeur de repli).")
        case .unreadable(let value):
            return Wording(message: "Contraste non calculable : la valeur « \(q(value)) » de \(what) n’est pas une couleur que le vérificateur sait lire.",
                           fix: "\(check) Une couleur en #rrggbb, rgb() ou hsl() peut être vérifiée automatiquement.")
        }
    }

    // MARK: 5. Tableaux
    static func invalidScope(_ value: String) -> Wording {
        Wording(message: "Valeur d’attribut scope invalide : « \(q(value)) ».",
                fix: "Utilisez scope=\"col\" pour un en-tête de colonne, scope=\"row\" pour un en-tête de ligne.")
    }
    static func headersMissingID(_ id: String) -> Wording {
        Wording(message: "L’attribut headers fait référence à l’id « \(q(id)) », absent de la page.",
                fix: "Donnez cet id à la cellule d’en-tête concernée, ou corrigez la liste d’ids de l’attribut headers.")
    }
    static func headersSelf(_ id: String) -> Wording {
        Wording(message: "L’attribut headers de la cellule fait référence à elle-même (« \(q(id)) »).",
                fix: "Listez dans headers les ids des cellules d’en-tête, pas celui de la cellule elle-même.")
    }
    static func headersOutsideTable(_ id: String) -> Wording {
        Wording(message: "L’attribut headers fait référence à « \(q(id)) », qui n’est pas une cellule de ce tableau.",
                fix: "Listez dans headers les ids des cellules d’en-tête du même tableau.")
    }
    static func layoutTableWithDataElements(_ used: [String]) -> Wording {
        Wording(message: "Tableau de mise en forme (role=\"presentation\") utilisant des éléments de tableau de données : \(used.joined(separator: ", ")).",
                fix: "Retirez ces éléments, ou, s’il s’agit d’un tableau de données, retirez role=\"presentation\".")
    }
    static let fakeCaption = Wording(
        message: "La première ligne du tableau, une seule cellule sur toute la largeur, semble servir de titre.",
        fix: "Si c’est le titre du tableau, placez ce texte dans une balise <caption> juste après <table>.")

    // MARK: 6. Liens
    static let linkWithoutName = Wording(
        message: "Lien sans intitulé.",
        fix: "Donnez au lien un texte visible, ou une alternative à l’image qu’il contient (alt), ou un attribut aria-label.")
    static func genericLinkText(_ name: String) -> Wording {
        Wording(message: "Intitulé de lien peu explicite : « \(q(name)) ».",
                fix: "Vérifiez que le contexte (phrase, paragraphe, titre) dit où mène le lien ; sinon, écrivez un intitulé explicite (par exemple « Lire la suite de l’article sur les horaires »).")
    }

    // MARK: 7. Scripts
    static func invalidRole(_ role: String) -> Wording {
        Wording(message: "Rôle WAI-ARIA inconnu : role=\"\(q(role))\".",
                fix: "Utilisez un rôle défini par WAI-ARIA (button, navigation, dialog…) ou retirez l’attribut role.")
    }

    // MARK: 8. Éléments obligatoires
    static let doctypeMissing = Wording(
        message: "La page n’a pas de type de document (<!DOCTYPE>).",
        fix: "Ajoutez <!DOCTYPE html> en toute première ligne de la page.")
    static func doctypeInvalid(_ name: String) -> Wording {
        Wording(message: "Type de document invalide : <!DOCTYPE \(q(name))>.",
                fix: "Utilisez <!DOCTYPE html>.")
    }
    static func invalidDirection(_ value: String) -> Wording {
        Wording(message: "Valeur d’attribut dir invalide : « \(q(value)) ».",
                fix: "Utilisez dir=\"rtl\" (de droite à gauche) ou dir=\"ltr\" (de gauche à droite).")
    }
    static let langMissing = Wording(
        message: "La langue par défaut de la page n’est pas indiquée.",
        fix: "Ajoutez l’attribut lang à la balise <html>, par exemple <html lang=\"fr\">.")
    static func langInvalid(_ value: String) -> Wording {
        Wording(message: "Code de langue invalide sur <html> : « \(q(value)) ».",
                fix: "Utilisez un code de langue valide, par exemple lang=\"fr\".")
    }
    static func langChangeInvalid(_ value: String) -> Wording {
        Wording(message: "Code de langue invalide : « \(q(value)) ».",
                fix: "Utilisez un code de langue valide (par exemple lang=\"en\" pour un passage en anglais).")
    }
    static let titleMissing = Wording(
        message: "La page n’a pas de titre (<title>).",
        fix: "Ajoutez dans <head> une balise <title> qui décrit la page, par exemple « Inscription à la cantine – Mairie de Trifouillis ».")
    static let titleEmpty = Wording(
        message: "Le titre de la page (<title>) est vide.",
        fix: "Écrivez dans <title> un titre qui décrit la page.")
    static func titleGeneric(_ title: String) -> Wording {
        Wording(message: "Titre de page peu explicite : « \(q(title)) ».",
                fix: "Vérifiez que le titre permet de savoir où l’on est ; sinon, donnez le sujet de la page suivi du nom du site.")
    }
    static func duplicateID(_ id: String, count: Int) -> Wording {
        Wording(message: "L’id « \(q(id)) » est utilisé \(count) fois dans la page.",
                fix: "Donnez à chaque élément un id unique.")
    }

    // MARK: 9. Structuration
    static let emptyHeading = Wording(
        message: "Titre vide.",
        fix: "Écrivez le texte du titre, ou supprimez la balise de titre si elle ne sert qu’à la mise en forme.")
    static let noHeading = Wording(
        message: "La page ne contient aucun titre (h1 à h6).",
        fix: "Vérifiez la structure : la page devrait avoir au moins un titre <h1> qui annonce son contenu.")
    static func firstHeadingNotH1(_ level: Int) -> Wording {
        Wording(message: "Le premier titre de la page est de niveau \(level), pas de niveau 1.",
                fix: "Vérifiez la hiérarchie des titres : en général, la page commence par un titre <h1>.")
    }
    static let noH1 = Wording(
        message: "La page n’a pas de titre de niveau 1 (<h1>).",
        fix: "Vérifiez la hiérarchie des titres : le titre principal de la page devrait être un <h1>.")
    static func severalH1(_ count: Int) -> Wording {
        Wording(message: "La page contient \(count) titres de niveau 1 (<h1>).",
                fix: "Vérifiez la hiérarchie des titres : en général, un seul <h1> annonce le contenu principal.")
    }
    static func skippedHeadingLevel(from: Int, to: Int) -> Wording {
        Wording(message: "Saut de niveau de titre : h\(from) suivi de h\(to).",
                fix: "Vérifiez la hiérarchie : après un titre de niveau \(from), le titre suivant est de niveau \(from + 1) au plus.")
    }
    static let mainMissing = Wording(
        message: "La page n’a pas de zone de contenu principal (<main>).",
        fix: "Entourez le contenu principal de la page d’une balise <main>.")
    static func severalMains(_ count: Int) -> Wording {
        Wording(message: "La page contient \(count) zones <main> visibles.",
                fix: "Gardez une seule balise <main> visible, autour du contenu principal.")
    }
    static func landmarksMissing(_ missing: [String]) -> Wording {
        let names = missing.map { "<\($0)>" }.joined(separator: ", ")
        return Wording(message: "Zones de la page absentes : \(names).",
                       fix: "Vérifiez que l’en-tête, la navigation et le pied de page, s’ils existent, sont balisés avec <header>, <nav> et <footer>.")
    }
    static let listItemOutsideList = Wording(
        message: "Élément de liste <li> hors d’une liste <ul> ou <ol>.",
        fix: "Placez les <li> dans une balise <ul> (liste non ordonnée) ou <ol> (liste ordonnée).")
    static func descriptionOutsideList(_ name: String) -> Wording {
        Wording(message: "Élément <\(name)> hors d’une liste de description <dl>.",
                fix: "Placez les <dt> et <dd> dans une balise <dl>.")
    }
    static func listContainsNonItem(list: String, child: String) -> Wording {
        Wording(message: "La liste <\(list)> contient un élément <\(q(child))> qui n’est pas un élément de liste.",
                fix: list == "dl" ? "Une liste <dl> ne contient que des <dt>, des <dd> (ou des <div> qui les regroupent)."
                    : "Une liste <\(list)> ne contient que des <li> ; placez le contenu dans un <li>.")
    }

    // MARK: 10. Présentation
    static func presentationalTag(_ name: String) -> Wording {
        Wording(message: "Balise de présentation <\(name)>.",
                fix: "Remplacez <\(name)> par une balise qui a un sens (em, strong, del…) ou par un style CSS.")
    }
    static func presentationalAttributes(_ names: [String], on element: String) -> Wording {
        Wording(message: "Attribut\(names.count > 1 ? "s" : "") de présentation sur <\(element)> : \(names.joined(separator: ", ")).",
                fix: "Retirez \(names.count > 1 ? "ces attributs" : "cet attribut") et obtenez le même rendu avec une feuille de styles CSS.")
    }

    static func ariaHiddenBody(_ name: String) -> Wording {
        Wording(message: "Toute la page est masquée aux technologies d’assistance (aria-hidden=\"true\" sur <\(name)>).",
                fix: "Retirez aria-hidden de <\(name)>.")
    }
    static let focusableInAriaHidden = Wording(
        message: "Élément atteignable au clavier dans un contenu masqué aux technologies d’assistance (aria-hidden=\"true\").",
        fix: "Retirez aria-hidden=\"true\", ou rendez l’élément inactif (tabindex=\"-1\", disabled) tant que le contenu est masqué.")

    // MARK: 11. Formulaires
    static let fieldWithoutLabel = Wording(
        message: "Champ de formulaire sans étiquette.",
        fix: "Associez au champ une balise <label for=\"id-du-champ\"> qui dit ce qu’il faut saisir.")
    static let fieldWithPlaceholderOnly = Wording(
        message: "Champ de formulaire sans étiquette : le texte indicatif (placeholder) n’en tient pas lieu.",
        fix: "Associez au champ une balise <label for=\"id-du-champ\"> ; gardez le placeholder pour un exemple de saisie.")
    static func requiredWithoutIndication(_ name: String) -> Wording {
        Wording(message: "Le champ obligatoire « \(q(name)) » ne semble pas signalé comme obligatoire dans son étiquette.",
                fix: "Vérifiez que le caractère obligatoire est visible avant l’envoi, par exemple « \(q(name)) (obligatoire) » dans l’étiquette.")
    }
    static let buttonWithoutName = Wording(
        message: "Bouton sans intitulé.",
        fix: "Donnez au bouton un texte visible (ou, pour un bouton icône, un attribut aria-label qui dit son action).")
    static func autocompleteInvalid(_ value: String) -> Wording {
        Wording(message: "Valeur d’autocomplete invalide : « \(q(value)) ».",
                fix: "Utilisez une valeur de la liste HTML (given-name, family-name, email, tel, postal-code, street-address…).")
    }

    static let fieldsetWithoutLegend = Wording(
        message: "Regroupement de champs <fieldset> sans légende.",
        fix: "Ajoutez en premier dans le <fieldset> une balise <legend> qui dit ce que les champs ont en commun (par exemple « Adresse de livraison »).")
    static let groupWithoutName = Wording(
        message: "Regroupement de champs (role=\"group\" ou \"radiogroup\") sans légende.",
        fix: "Donnez au regroupement un nom avec aria-labelledby vers son titre visible, ou utilisez <fieldset> et <legend>.")
    static let radiosNotGrouped = Wording(
        message: "Boutons radio de même nom qui ne sont pas regroupés.",
        fix: "Vérifiez s’il faut les regrouper : placez-les dans un <fieldset> avec une <legend> qui pose la question.")

    // MARK: 12. Navigation
    static func positiveTabindex(_ value: Int) -> Wording {
        Wording(message: "Ordre de tabulation imposé (tabindex=\"\(value)\").",
                fix: "Vérifiez que l’ordre de tabulation reste cohérent ; de préférence, retirez le tabindex positif et ordonnez le code source.")
    }
    static let skipLinkMissing = Wording(
        message: "Aucun lien d’évitement vers le contenu principal parmi les premiers liens de la page.",
        fix: "Vérifiez la présence d’un lien « Aller au contenu » en début de page, pointant vers la balise <main> (par exemple href=\"#contenu\").")
    static func skipLinkBroken(_ href: String) -> Wording {
        Wording(message: "Le lien d’évitement pointe vers « \(q(href)) », qui n’existe pas dans la page.",
                fix: "Donnez l’id correspondant à la zone de contenu principal (par exemple <main id=\"contenu\">).")
    }

    // MARK: 13. Consultation
    static func metaRefresh(seconds: Int) -> Wording {
        Wording(message: "La page se recharge automatiquement toutes les \(seconds) secondes.",
                fix: "Retirez la balise <meta http-equiv=\"refresh\"> ; laissez l’utilisateur recharger la page.")
    }
    static func metaRedirect(seconds: Int) -> Wording {
        Wording(message: "La page redirige automatiquement au bout de \(seconds) secondes.",
                fix: "Faites une redirection immédiate (content=\"0; url=…\", ou côté serveur), ou remplacez-la par un lien.")
    }
    static func officeDocument(_ format: String) -> Wording {
        Wording(message: "Lien vers un document bureautique (\(format.uppercased())).",
                fix: "Vérifiez que le document est accessible ou qu’une version accessible (HTML par exemple) est proposée ; indiquez le format et le poids dans l’intitulé, par exemple « (PDF, 120 Ko) ».")
    }
    static let newWindowWithoutWarning = Wording(
        message: "Lien qui ouvre une nouvelle fenêtre (target=\"_blank\") sans le signaler.",
        fix: "Vérifiez que l’ouverture d’une nouvelle fenêtre est annoncée, par exemple « (nouvelle fenêtre) » dans l’intitulé ou le title du lien.")
    static func movingContent(_ name: String) -> Wording {
        Wording(message: "Contenu en mouvement <\(name)> que l’utilisateur ne peut pas arrêter.",
                fix: "Remplacez <\(name)> par un contenu fixe.")
    }

    // MARK: - Formatting

    /// A value from the page, cut to 60 characters: a message stays readable whatever the page holds.
    static func q(_ value: String) -> String {
        let collapsed = value.collapsingWhitespace()
        return collapsed.count > 60 ? String(collapsed.prefix(59)) + "…" : collapsed
    }

    /// 4.5 → "4,5"; 2.8571 → "2,85" (truncated, never rounded up to a passing value).
    static func french(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded(.down))
        let whole = hundredths / 100, fraction = hundredths % 100
        if fraction == 0 { return "\(whole)" }
        if fraction % 10 == 0 { return "\(whole),\(fraction / 10)" }
        return "\(whole),\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func hex(_ color: CSSColor) -> String {
        func two(_ value: Double) -> String {
            let byte = Int(value.rounded())
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return "#" + two(color.red) + two(color.green) + two(color.blue)
    }
}
