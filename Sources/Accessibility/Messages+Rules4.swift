/// French texts of the fourth batch of rules (component contrast 3.3, markup validity 8.2,
/// colour declarations 10.5, links in text 10.6, site map 12.3, zones 12.6). Same
/// conventions as `Messages`: plain French, RGAA vocabulary.
extension Messages {
    // MARK: 3.3 Contraste des composants d’interface
    static func controlBorderContrast(ratio: Double, border: CSSColor, background: CSSColor, button: Bool) -> Wording {
        let what = button ? "du bouton" : "du champ"
        return Wording(message: "Bordure \(what) trop peu contrastée : \(french(ratio)):1 entre la bordure (\(hex(border))) et le fond qui l’entoure (\(hex(background))) ; il faut au moins 3:1 pour repérer le composant.",
                       fix: "Foncez la bordure (ou éclaircissez-la sur un fond sombre) jusqu’à un rapport d’au moins 3:1 avec le fond, ou donnez au composant un fond qui contraste d’au moins 3:1 avec celui qui l’entoure.")
    }

    // MARK: 8.2 Validité du code
    static func strayEndTag(_ name: String) -> Wording {
        let why: String
        switch name {
        case "p": why = "le paragraphe était déjà fermé, car un <p> se ferme de lui-même devant un bloc (<div>, liste, tableau, titre…), qu’il ne peut pas contenir"
        case "a": why = "un lien est sans doute écrit à l’intérieur d’un autre lien, ce qui est interdit"
        default: why = "la balise ouvrante manque, ou l’élément a déjà été fermé"
        }
        return Wording(message: "Balise fermante </\(q(name))> qui ne ferme aucun élément : \(why).",
                       fix: "Corrigez l’imbrication : chaque élément doit être entièrement contenu dans son parent, et chaque balise fermante répondre à une balise ouvrante. Le validateur du W3C (validator.w3.org/nu) montre l’erreur en contexte.")
    }
    static func misnestedTags(closing: String, open: String) -> Wording {
        Wording(message: "Balises mal imbriquées : </\(q(closing))> arrive alors que <\(q(open))>, ouvert à l’intérieur, n’est pas fermé.",
                fix: "Fermez les balises dans l’ordre inverse de leur ouverture, par exemple <\(q(closing))><\(q(open))>…</\(q(open))></\(q(closing))>.")
    }
    static func duplicateAttribute(_ name: String) -> Wording {
        Wording(message: "Attribut \(q(name)) écrit deux fois sur le même élément.",
                fix: "Gardez un seul attribut \(q(name)) : le navigateur ignore le second, qui contient peut-être la bonne valeur.")
    }
    static func interactiveInsideInteractive(child: String, owner: String) -> Wording {
        let container = owner == "a" ? "un lien <a>" : "un bouton <button>"
        return Wording(message: "Élément interactif \(child) placé dans \(container) : un lien ou un bouton ne peut contenir ni lien, ni bouton, ni champ de formulaire, ni élément avec tabindex.",
                       fix: "Placez \(child) à côté de <\(owner)>, pas dedans : les technologies d’assistance ne restituent pas un élément interactif inclus dans un autre.")
    }
    static func blockInsideTextLevel(child: String, owner: String) -> Wording {
        Wording(message: "Balise de bloc <\(child)> placée dans <\(owner)>, qui n’accepte que du contenu de niveau texte (texte, liens, mises en valeur, images…).",
                fix: "Remplacez <\(owner)> par un élément de bloc (par exemple <div>), ou <\(child)> par un élément de niveau texte (par exemple <span>).")
    }
    static let listItemOutsideListMarkup = Wording(
        message: "Élément <li> placé ailleurs que directement dans <ul>, <ol> ou <menu> : le code HTML est invalide.",
        fix: "Placez chaque <li> directement dans une balise <ul> ou <ol>.")
    static func descriptionOutsideListMarkup(_ name: String) -> Wording {
        Wording(message: "Élément <\(name)> placé ailleurs que dans <dl> (ou dans un <div> enfant de <dl>) : le code HTML est invalide.",
                fix: "Placez les <dt> et <dd> dans une balise <dl>.")
    }
    static let labelInsideLabel = Wording(
        message: "Étiquette <label> placée dans une autre étiquette <label>.",
        fix: "Séparez les deux étiquettes : chacune entoure ou désigne (attribut for) son propre champ.")

    // MARK: 10.5 Couleurs de police et de fond
    static func colourWithoutBackground(_ place: String) -> Wording {
        Wording(message: "Couleur de texte déclarée sans couleur de fond, ni sur l’élément ni sur un parent (\(place)).",
                fix: "Vérifiez que le texte reste lisible si la personne a changé ses couleurs par défaut (fond sombre par exemple) ; déclarez une couleur de fond (background-color) sur l’élément ou sur un parent, par exemple sur body.")
    }
    static func backgroundWithoutColour(_ place: String) -> Wording {
        Wording(message: "Couleur de fond déclarée sans couleur de texte, ni sur l’élément ni sur un parent (\(place)).",
                fix: "Vérifiez que le texte reste lisible si la personne a changé ses couleurs par défaut (texte clair par exemple) ; déclarez une couleur de texte (color) sur l’élément ou sur un parent, par exemple sur body.")
    }
    static func imageWithoutBackgroundColour(_ place: String) -> Wording {
        Wording(message: "Image de fond sans couleur de fond de remplacement, ni sur l’élément ni sur un parent (\(place)).",
                fix: "Vérifiez que le texte reste lisible quand l’image ne s’affiche pas ; déclarez aussi une couleur de fond (background-color) proche de l’image, sur l’élément ou sur un parent.")
    }

    // MARK: 10.6 Liens dans le texte
    static func linkOnlyByColour(ratio: Double, link: CSSColor, text: CSSColor) -> Wording {
        Wording(message: "Lien dans un texte signalé uniquement par sa couleur : \(french(ratio)):1 entre la couleur du lien (\(hex(link))) et celle du texte (\(hex(text))) ; il faut au moins 3:1.",
                fix: "Soulignez les liens dans le texte (retirez text-decoration: none), ou choisissez une couleur de lien qui contraste d’au moins 3:1 avec le texte et donnez au lien une autre indication au survol et au focus (soulignement, bordure).")
    }
    static let linkColourNotComputable = Wording(
        message: "Lien dans un texte non souligné : le vérificateur ne peut pas calculer le contraste entre sa couleur et celle du texte.",
        fix: "Vérifiez que le lien se distingue du texte autrement que par la couleur (soulignement, bordure), ou que sa couleur contraste d’au moins 3:1 avec celle du texte et qu’il change autrement que par la couleur au survol et au focus.")
    static func linkByColourWithoutHoverCue(ratio: Double) -> Wording {
        Wording(message: "Lien dans un texte signalé uniquement par sa couleur (\(french(ratio)):1 avec le texte) : aucune règle :hover ne le souligne ni ne le change autrement que par la couleur.",
                fix: "Vérifiez qu’au survol et à la prise de focus, le lien change autrement que par la couleur ; par exemple, a:hover, a:focus { text-decoration: underline }.")
    }

    // MARK: 12.3 Plan du site
    static func siteMapLinkBroken(text: String, href: String) -> Wording {
        Wording(message: "Le lien « \(q(text)) » du plan du site mène à « \(q(href)) », qui n’est pas une page du site.",
                fix: "Corrigez l’adresse du lien ou retirez-le du plan du site : chaque lien du plan doit mener à une page qui existe.")
    }
    static func siteMapPartial(linked: Int, pages: Int) -> Wording {
        Wording(message: "Le plan du site ne mène qu’à \(linked) des \(pages) pages du site.",
                fix: "Vérifiez que le plan du site représente l’architecture générale du site : chaque rubrique doit y figurer, et chaque page y figurer ou être atteignable depuis la page d’accueil de sa rubrique.")
    }

    // MARK: 12.6 Zones de regroupement
    static let contentBeforeMainOutsideZones = Wording(
        message: "Du contenu précède la zone de contenu principal hors de toute zone identifiée (<header>, <nav>, role=\"search\"…), et aucun lien d’évitement ne mène au contenu principal.",
        fix: "Vérifiez que l’en-tête, le menu et le moteur de recherche peuvent être atteints ou évités : balisez-les avec <header>, <nav> et role=\"search\", ou ajoutez en début de page un lien « Aller au contenu » vers la balise <main>.")
    static let contentAfterMainOutsideZones = Wording(
        message: "Du contenu suit la zone de contenu principal hors de toute zone identifiée : le pied de page n’est peut-être pas balisé avec <footer>.",
        fix: "Vérifiez que le pied de page peut être atteint : balisez-le avec <footer> (ou role=\"contentinfo\"), ou donnez-lui un titre.")
    static let mainZoneUnreachable = Wording(
        message: "La zone de contenu principal n’est identifiée ni par <main> ni par un lien d’évitement.",
        fix: "Vérifiez que le contenu principal peut être atteint directement : balisez-le avec <main> et ajoutez en début de page un lien « Aller au contenu » qui y mène.")
}
