/// French texts of the third batch of rules (media players 4.13, complex and layout tables
/// 5.1/5.3, context changes 7.4, quotations 9.4, focus 10.7, reflow 10.11, content shown on
/// hover 10.14, labels of fields with the same function 11.3, site map and search 12.4/12.5,
/// single-key shortcuts 12.10, cryptic content 13.5, orientation 13.9). Same conventions as
/// `Messages`: plain French, RGAA vocabulary.
extension Messages {
    // MARK: 4.13 Compatibilité des médias
    static func nonNativePlayer(_ element: String) -> Wording {
        Wording(message: "Média intégré par <\(element)> : son lecteur n’est peut-être pas compatible avec les technologies d’assistance.",
                fix: "Vérifiez que les commandes du lecteur ont un nom, un rôle et un état restitués par un lecteur d’écran ; sinon, proposez un lien adjacent vers une version accessible du média (par exemple une balise <video controls>).")
    }

    // MARK: 5.1 Résumé des tableaux complexes
    static let complexTableWithoutSummary = Wording(
        message: "Tableau de données complexe (en-têtes fusionnés, sur plusieurs niveaux ou au milieu du tableau) sans résumé relié par aria-describedby.",
        fix: "Vérifiez qu’un résumé explique la nature et la structure du tableau : dans la balise <caption>, après le titre, ou dans un passage de texte relié au tableau par aria-describedby.")

    // MARK: 5.3 Tableaux de mise en forme
    static let layoutTableLinearisation = Wording(
        message: "Tableau de mise en forme (role=\"presentation\") : son contenu est lu cellule par cellule, ligne après ligne.",
        fix: "Vérifiez que le contenu reste compréhensible lu dans cet ordre ; de préférence, remplacez le tableau par une mise en page CSS (grid ou flex).")

    // MARK: 7.4 Changements de contexte
    static func changeHandler(_ element: String, _ handler: String) -> Wording {
        Wording(message: "Élément <\(element)> avec un gestionnaire \(handler) : changer sa valeur déclenche peut-être un changement de contexte (nouvelle page, envoi du formulaire, déplacement du focus).",
                fix: "Vérifiez ce que fait le script ; s’il change de contexte, laissez l’utilisateur le déclencher avec un bouton explicite (par exemple « Afficher »), ou prévenez-le avant, dans le texte qui précède le champ.")
    }

    // MARK: 9.4 Citations
    static func inlineQuotation(_ text: String) -> Wording {
        Wording(message: "Citation probable entre guillemets sans balise <q> : « \(q(text)) ».",
                fix: "Vérifiez s’il s’agit d’une citation ; si oui, balisez-la avec <q> (les guillemets sont alors ajoutés par le navigateur ou la feuille de styles).")
    }
    static func blockQuotation(_ text: String) -> Wording {
        Wording(message: "Paragraphe entièrement entre guillemets sans balise <blockquote> : « \(q(text)) ».",
                fix: "Vérifiez s’il s’agit d’un bloc de citation ; si oui, placez-le dans une balise <blockquote>.")
    }

    // MARK: 10.7 Prise de focus
    static func outlineRemovedOnFocus(selector: String, declaration: String) -> Wording {
        Wording(message: "La feuille de styles retire le contour de focus (« \(q(selector)) { \(q(declaration)) } ») sans autre changement visible dans la même règle.",
                fix: "Vérifiez que la prise de focus reste visible sur ces éléments, avec un contraste d’au moins 3:1 ; par exemple, gardez un contour : outline: 3px solid, ou ajoutez une bordure ou une ombre à la prise de focus.")
    }
    static func outlineRemovedWithoutFocusStyle(selector: String, declaration: String) -> Wording {
        Wording(message: "La feuille de styles retire le contour des éléments « \(q(selector)) » (\(q(declaration))) et ne donne aucun style de prise de focus (:focus ou :focus-visible).",
                fix: "Vérifiez que la prise de focus reste visible sur ces éléments ; sinon, ajoutez une règle :focus-visible avec un contour ou une bordure contrastés (3:1 au moins).")
    }

    // MARK: 10.11 Reflow
    static func fixedWidth(selector: String, declaration: String) -> Wording {
        Wording(message: "Largeur fixe de plus de 320 px (« \(q(selector)) { \(q(declaration)) } ») : à 320 px de large, la page défile peut-être horizontalement.",
                fix: "Vérifiez la page dans une fenêtre de 320 px de large ; préférez max-width, des largeurs en pourcentage, ou réservez cette largeur aux écrans larges dans une requête @media (min-width: …).")
    }

    // MARK: 10.14 Contenus révélés par CSS
    static func shownOnHoverOnly(selector: String, declaration: String) -> Wording {
        Wording(message: "Contenu affiché au survol par la feuille de styles (« \(q(selector)) { \(q(declaration)) } ») sans règle équivalente pour la prise de focus.",
                fix: "Vérifiez que ce contenu apparaît aussi au clavier ; par exemple, ajoutez le même sélecteur avec :focus-within (ou :focus) à côté de :hover.")
    }

    // MARK: 11.3 Cohérence des étiquettes
    static func sameFunctionDifferentLabels(token: String, labels: [String]) -> Wording {
        Wording(message: "Des champs de même fonction (autocomplete=\"\(q(token))\") ont des étiquettes différentes : \(labels.map { "« \(q($0)) »" }.joined(separator: ", ")).",
                fix: "Vérifiez si ces champs servent à la même saisie ; si oui, donnez-leur la même étiquette.")
    }
    static func sameFieldDifferentLabelsAcrossPages(token: String, label: String, usual: String, page: String) -> Wording {
        Wording(message: "Le champ de fonction autocomplete=\"\(q(token))\" est étiqueté « \(q(label)) » sur cette page et « \(q(usual)) » sur \(q(page)).",
                fix: "Vérifiez si ces champs servent à la même saisie ; si oui, donnez-leur la même étiquette sur toutes les pages.")
    }

    // MARK: 12.4, 12.5 Plan du site et moteur de recherche
    static func siteMapLinkElsewhere(here: String, usual: String) -> Wording {
        Wording(message: "Le lien vers le plan du site est \(here) sur cette page, et \(usual) sur la plupart des autres pages.",
                fix: "Placez le lien « Plan du site » au même endroit sur toutes les pages (par exemple dans le pied de page).")
    }
    static let siteMapLinkMissing = Wording(
        message: "Cette page n’a pas de lien vers le plan du site, alors que la plupart des autres pages en ont un.",
        fix: "Ajoutez le lien « Plan du site » sur cette page, au même endroit que sur les autres.")
    static func searchElsewhere(here: String, usual: String) -> Wording {
        Wording(message: "Le moteur de recherche est \(here) sur cette page, et \(usual) sur la plupart des autres pages.",
                fix: "Placez le moteur de recherche au même endroit sur toutes les pages (par exemple dans l’en-tête).")
    }
    static let searchMissing = Wording(
        message: "Cette page n’a pas de moteur de recherche, alors que la plupart des autres pages en ont un.",
        fix: "Ajoutez le moteur de recherche sur cette page, au même endroit que sur les autres.")

    // MARK: 12.10 Raccourcis clavier
    static func singleKeyShortcut(_ keys: String) -> Wording {
        Wording(message: "Raccourci clavier d’une seule touche déclaré (aria-keyshortcuts=\"\(q(keys))\").",
                fix: "Vérifiez que ce raccourci peut être désactivé, configuré avec une touche de modification (Ctrl, Alt, Maj…), ou qu’il n’agit que lorsque le composant a le focus.")
    }
    static func documentKeyHandler(_ element: String, _ handler: String) -> Wording {
        Wording(message: "Gestionnaire \(handler) sur <\(element)> : la page propose peut-être des raccourcis clavier.",
                fix: "Vérifiez que chaque raccourci d’une seule touche (lettre, chiffre, ponctuation ou symbole) peut être désactivé ou configuré avec une touche de modification (Ctrl, Alt, Maj…).")
    }

    // MARK: 13.5 Contenus cryptiques
    static func crypticContent(_ text: String) -> Wording {
        Wording(message: "Contenu cryptique (émoticône ou symbole) sans définition : « \(q(text)) ».",
                fix: "Vérifiez que sa signification est donnée juste avant ou juste après, ou par un attribut title (par exemple <abbr title=\"sourire\">:-)</abbr>) ; une émoji informative peut aussi être balisée <span role=\"img\" aria-label=\"…\">.")
    }

    // MARK: 13.9 Orientation de l’écran
    static func orientationLocked(media: String, selector: String, declaration: String) -> Wording {
        Wording(message: "La feuille de styles fait pivoter « \(q(selector)) » d’un quart de tour dans \(q(media)) (\(q(declaration))) : le contenu n’est lisible que dans une orientation de l’écran.",
                fix: "Retirez cette rotation : la page doit s’adapter à l’orientation portrait comme à l’orientation paysage, sans l’imposer.")
    }
}
