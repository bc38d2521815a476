/// French texts of the second batch of rules (images 1.3/1.6/1.9, frames 2.2, media 4.x,
/// tables 5.6, label in name 6.1.5/11.2.5/11.9.2, scripts 7.3, 8.9, zoom 10.4, text spacing
/// 10.12, option groups 11.8). Same conventions as `Messages`: plain French, RGAA vocabulary.
extension Messages {
    // MARK: 1.3 Pertinence des alternatives
    static func alternativeIsFileName(_ text: String) -> Wording {
        Wording(message: "L’alternative textuelle de l’image est un nom de fichier : « \(q(text)) ».",
                fix: "Vérifiez l’alternative : elle doit dire l’information que porte l’image (par exemple « Plan d’accès à la mairie »), pas le nom du fichier.")
    }
    static func alternativeIsPlaceholder(_ text: String) -> Wording {
        Wording(message: "Alternative textuelle d’image peu pertinente : « \(q(text)) ».",
                fix: "Vérifiez l’alternative : elle doit dire l’information que porte l’image ; si l’image est décorative, mettez alt=\"\".")
    }
    static func alternativeTooLong(_ count: Int) -> Wording {
        Wording(message: "Alternative textuelle d’image longue (\(count) caractères).",
                fix: "Vérifiez que l’alternative est courte et concise ; placez une description détaillée dans le texte de la page ou dans une description détaillée liée à l’image.")
    }

    // MARK: 1.6 Description détaillée
    static func longdescMissingTarget(_ href: String) -> Wording {
        Wording(message: "L’attribut longdesc de l’image pointe vers « \(q(href)) », qui n’existe pas dans la page.",
                fix: "Donnez cet id à l’élément qui contient la description détaillée, ou corrigez l’adresse de l’attribut longdesc.")
    }
    static func describedByMissingTarget(_ id: String) -> Wording {
        Wording(message: "L’attribut aria-describedby de l’image fait référence à l’id « \(q(id)) », absent de la page.",
                fix: "Donnez cet id au passage de texte qui décrit l’image, ou corrigez la valeur de aria-describedby.")
    }

    // MARK: 1.9 Légendes d’images
    static let figureWithoutRole = Wording(
        message: "Image légendée dans <figure> : la balise <figure> n’a pas d’attribut role=\"figure\" ou role=\"group\".",
        fix: "Ajoutez role=\"figure\" et un attribut aria-label identique à la légende à la balise <figure>.")
    static func figureLabelDiffersFromCaption(_ caption: String) -> Wording {
        Wording(message: "Image légendée dans <figure> : l’attribut aria-label de <figure> n’est pas identique à la légende « \(q(caption)) ».",
                fix: "Donnez à la balise <figure> un attribut aria-label dont le contenu est identique au contenu de <figcaption>.")
    }

    // MARK: 2.2 Titres de cadres
    static func frameTitleShared(_ title: String) -> Wording {
        Wording(message: "Plusieurs cadres au contenu différent ont le même titre : « \(q(title)) ».",
                fix: "Vérifiez que chaque titre de cadre décrit le contenu de son cadre ; donnez un titre distinct à chaque cadre.")
    }

    // MARK: 4. Multimédia
    static let videoWithoutCaptions = Wording(
        message: "Vidéo sans piste de sous-titres (<track kind=\"captions\">).",
        fix: "Vérifiez si la vidéo a besoin de sous-titres synchronisés (elle contient de la parole ou des sons porteurs d’information) ; si oui, ajoutez <track kind=\"captions\" src=\"….vtt\" srclang=\"fr\" label=\"Français\">, ou proposez une version sous-titrée par un lien adjacent.")
    static let trackSubtitlesNotCaptions = Wording(
        message: "Les sous-titres de la vidéo sont déclarés avec kind=\"subtitles\" et non kind=\"captions\".",
        fix: "Vérifiez le rôle de la piste : des sous-titres synchronisés destinés aux personnes sourdes ou malentendantes se déclarent avec kind=\"captions\".")
    static func autoplayWithSound(_ name: String) -> Wording {
        Wording(message: "Média <\(name)> lancé automatiquement (autoplay) sans être muet (muted).",
                fix: "Vérifiez que le son dure 3 secondes au plus ou qu’il peut être arrêté ; de préférence, retirez autoplay ou ajoutez muted.")
    }
    static func mediaWithoutControls(_ name: String) -> Wording {
        Wording(message: "Média <\(name)> sans attribut controls.",
                fix: "Vérifiez que la lecture peut être contrôlée au clavier et à la souris (lecture, pause, volume…) ; le plus simple est d’ajouter l’attribut controls.")
    }

    // MARK: 5.6 En-têtes de tableaux
    static let emptyHeaderCell = Wording(
        message: "Cellule d’en-tête <th> vide.",
        fix: "Vérifiez la cellule : si elle est l’en-tête d’une ligne ou d’une colonne, écrivez son texte ; sinon (coin vide du tableau), utilisez <td>.")
    static let dataTableWithoutHeaders = Wording(
        message: "Tableau sans cellule d’en-tête (<th>).",
        fix: "Vérifiez la nature du tableau : s’il s’agit d’un tableau de données, déclarez ses en-têtes de colonnes et de lignes avec <th> ; s’il sert à la mise en forme, ajoutez role=\"presentation\".")

    // MARK: 6.1.5, 11.2.5, 11.9.2 Intitulé visible et nom accessible
    static func linkNameMissesVisibleText(visible: String, name: String) -> Wording {
        Wording(message: "Le nom accessible du lien (« \(q(name)) ») ne contient pas son intitulé visible « \(q(visible)) ».",
                fix: "Reprenez l’intitulé visible, mot pour mot et dans le même ordre, dans aria-label ou aria-labelledby (de préférence au début), ou retirez l’attribut.")
    }
    static func buttonNameMissesVisibleText(visible: String, name: String) -> Wording {
        Wording(message: "Le nom accessible du bouton (« \(q(name)) ») ne contient pas son intitulé visible « \(q(visible)) ».",
                fix: "Reprenez l’intitulé visible, mot pour mot et dans le même ordre, dans aria-label ou aria-labelledby (de préférence au début), ou retirez l’attribut.")
    }
    static func fieldNameMissesVisibleLabel(visible: String, name: String) -> Wording {
        Wording(message: "Le nom accessible du champ (« \(q(name)) ») ne contient pas le texte de son étiquette visible « \(q(visible)) ».",
                fix: "Reprenez le texte de l’étiquette, mot pour mot et dans le même ordre, dans aria-label ou aria-labelledby, ou retirez l’attribut pour que l’étiquette serve de nom.")
    }

    // MARK: 7.3 Scripts et clavier
    static func handlerOnNonFocusable(_ element: String, _ handlers: [String]) -> Wording {
        Wording(message: "Élément <\(element)> avec un gestionnaire d’événement (\(handlers.joined(separator: ", "))) qui n’est pas atteignable au clavier.",
                fix: "Vérifiez que la même action est possible au clavier ; de préférence, utilisez un vrai bouton (<button>) ou un lien (<a href>).")
    }

    // MARK: 8.9 Balises utilisées pour la présentation
    static let emptyParagraph = Wording(
        message: "Paragraphe vide : la balise <p> semble ne servir qu’à créer un espace.",
        fix: "Vérifiez l’usage de la balise ; pour espacer les blocs, utilisez les marges CSS (margin) plutôt qu’un paragraphe vide.")
    static func consecutiveLineBreaks(_ count: Int) -> Wording {
        Wording(message: "\(count) sauts de ligne <br> à la suite : ils semblent ne servir qu’à créer un espace.",
                fix: "Vérifiez l’usage des balises ; séparez les paragraphes avec <p> et réglez l’espacement avec les marges CSS.")
    }

    // MARK: 10.4 Agrandissement
    static func viewportBlocksZoom(_ setting: String) -> Wording {
        Wording(message: "La balise <meta name=\"viewport\"> empêche d’agrandir la page à 200 % (\(q(setting))).",
                fix: "Retirez user-scalable=no et maximum-scale de l’attribut content, par exemple content=\"width=device-width, initial-scale=1\".")
    }

    // MARK: 10.12 Espacement du texte
    static func spacingLocked(property: String, value: String, minimum: String) -> Wording {
        Wording(message: "Propriété \(property) imposée avec !important dans l’attribut style (\(q(value))), en dessous de \(minimum) la taille de la police : l’utilisateur ne peut plus l’augmenter.",
                fix: "Retirez !important de cette déclaration, ou donnez une valeur d’au moins \(minimum) la taille de la police.")
    }

    // MARK: 11.8 Listes de choix
    static let optgroupWithoutLabel = Wording(
        message: "Groupe d’options <optgroup> sans attribut label.",
        fix: "Ajoutez à <optgroup> un attribut label qui nomme le groupe (par exemple label=\"Écoles maternelles\").")
    static func longSelectWithoutGroups(_ count: Int) -> Wording {
        Wording(message: "Liste de choix de \(count) options sans regroupement (<optgroup>).",
                fix: "Vérifiez si les options peuvent être regroupées par nature ; si oui, regroupez-les avec <optgroup label=\"…\">.")
    }
}
