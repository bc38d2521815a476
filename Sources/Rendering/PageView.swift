import GuichetModel

/// Everything a template can show about a page. Field names are the Mustache tags of the
/// theme; keep them stable, editors of themes rely on them (see README, "Thème").
public struct PageView: Sendable {
    /// The page's own title, shown in its `h1`.
    public var title: String
    /// `<title>`: "Page – Authority", unique per page (RGAA 8.5, 8.6).
    public var documentTitle: String
    public var description: String?
    /// Site-relative URL of the page (`/demarches/`).
    public var url: String
    public var canonicalURL: String
    /// URL of the home page and of the theme's assets, with the site's sub-path if any.
    public var homeURL: String
    public var assetsURL: String
    public var authority: AuthorityView
    public var navigation: [NavigationItemView]
    public var breadcrumb: [BreadcrumbItemView]
    /// Hides the breadcrumb on the home page, where it would hold one item.
    /// (Stored, not computed: Mustache reads values through reflection, which skips computed properties.)
    public var hasBreadcrumb: Bool
    /// HTML of the Markdown body (already safe: raw HTML is refused upstream).
    public var content: String
    /// Things to prepare before filling the page's form ("pièces à fournir").
    public var pieces: [String] = []
    public var hasPieces: Bool = false
    /// HTML of the page's form, rendered by `Theme.renderForm`.
    public var form: String?
    /// On the accessibility statement: what the build's own check measured.
    public var accessibilityResults: AccessibilityResultsView?
    /// Errors of a refused submission, shown at the top of the page ("Il y a un problème").
    public var errorSummary: [ErrorSummaryItem] = []
    public var hasErrors: Bool = false
    /// A sentence shown above the title, for what is not an error of the citizen's (a form
    /// that changed while they were filling it).
    public var notice: String?
    /// Gateway pages: the receipt, or a short message.
    public var receipt: ReceiptView?
    public var message: MessageView?
    /// Pages that must stay out of search engines (a receipt's address holds its key).
    public var noIndex: Bool = false

    /// Shows the page again with the errors of a refused submission: summary at the top and
    /// "Erreur : " before the title, so that the first thing announced is that something failed.
    public mutating func showErrors(_ errors: [ErrorSummaryItem]) {
        errorSummary = errors
        hasErrors = !errors.isEmpty
        if hasErrors && !documentTitle.hasPrefix("Erreur : ") { documentTitle = "Erreur : " + documentTitle }
    }
    /// "20 novembre 2026".
    public var updated: String?
    public var updatedISO: String?
    public var listing: [ListingGroupView]
    public var hasListing: Bool
    public var sitemap: [TreeItemView]
    public var footer: FooterView
    /// The inner template's output, set by `Theme.renderPage`.
    public var body: String = ""

    public init(title: String, documentTitle: String, description: String?, url: String, canonicalURL: String,
                homeURL: String, assetsURL: String, authority: AuthorityView, navigation: [NavigationItemView], breadcrumb: [BreadcrumbItemView],
                content: String, updated: SimpleDate?, listing: [ListingGroupView], sitemap: [TreeItemView],
                footer: FooterView) {
        self.title = title
        self.documentTitle = documentTitle
        self.description = description
        self.url = url
        self.canonicalURL = canonicalURL
        self.homeURL = homeURL
        self.assetsURL = assetsURL
        self.authority = authority
        self.navigation = navigation
        self.breadcrumb = breadcrumb
        self.hasBreadcrumb = breadcrumb.count > 1
        self.content = content
        self.updated = updated?.french
        self.updatedISO = updated?.iso
        self.listing = listing
        self.hasListing = !listing.isEmpty
        self.sitemap = sitemap
        self.footer = footer
    }
}

public struct AuthorityView: Sendable {
    public var name: String
    public var addressLine: String
    public var phone: String
    /// `tel:+33…` for the link around `phone`.
    public var phoneURI: String
    public var email: String
    public init(_ authority: Authority) {
        name = authority.name
        addressLine = authority.address.singleLine
        phone = authority.phone
        phoneURI = PhoneNumber.telURI(authority.phone)
        email = authority.email
    }
}

public struct NavigationItemView: Sendable {
    public var label: String
    public var url: String
    /// `aria-current` value: "page" on the page itself, "true" inside its section, nil elsewhere.
    public var ariaCurrent: String?
    public init(label: String, url: String, ariaCurrent: String?) {
        self.label = label
        self.url = url
        self.ariaCurrent = ariaCurrent
    }
}

public struct BreadcrumbItemView: Sendable {
    public var label: String
    public var url: String
    public var isCurrent: Bool
    public init(label: String, url: String, isCurrent: Bool) {
        self.label = label
        self.url = url
        self.isCurrent = isCurrent
    }
}

/// Pages of a folder listed on its index page, grouped by their `section`.
public struct ListingGroupView: Sendable {
    public var heading: String?
    public var items: [ListingItemView]
    public init(heading: String?, items: [ListingItemView]) {
        self.heading = heading
        self.items = items
    }
}

public struct ListingItemView: Sendable {
    public var title: String
    public var url: String
    public var description: String?
    public init(title: String, url: String, description: String?) {
        self.title = title
        self.url = url
        self.description = description
    }
}

/// One node of the *Plan du site*; templates recurse on `children`.
public struct TreeItemView: Sendable {
    public var title: String
    public var url: String
    public var children: [TreeItemView]
    public var hasChildren: Bool
    public init(title: String, url: String, children: [TreeItemView]) {
        self.title = title
        self.url = url
        self.children = children
        self.hasChildren = !children.isEmpty
    }
}

public struct FooterView: Sendable {
    /// "Accessibilité : partiellement conforme" (décret n° 2019-768).
    public var accessibilityLabel: String
    public var accessibilityURL: String
    public var legalNoticeURL: String
    public var privacyURL: String
    public var sitemapURL: String
    public init(accessibility: AccessibilityStatus, accessibilityURL: String, legalNoticeURL: String,
                privacyURL: String, sitemapURL: String) {
        self.accessibilityLabel = accessibility.footerLabel
        self.accessibilityURL = accessibilityURL
        self.legalNoticeURL = legalNoticeURL
        self.privacyURL = privacyURL
        self.sitemapURL = sitemapURL
    }
}

/// The automated results printed on the accessibility statement (décret n° 2019-768 asks the
/// statement to give the conformity rate; this one says plainly what a program can measure).
public struct AccessibilityResultsView: Sendable {
    public var date: String
    public var pages: Int
    /// "90" or "87,5"
    public var rate: String
    public var conforming: Int
    public var applicable: Int
    public var notApplicable: Int
    public var toVerify: [CriterionLine]
    public var hasToVerify: Bool
    public var notCovered: Int
    public var total: Int

    public struct CriterionLine: Sendable {
        public var number: String
        public var title: String
        public init(number: String, title: String) {
            self.number = number
            self.title = title
        }
    }

    public init(date: String, pages: Int, rate: String, conforming: Int, applicable: Int, notApplicable: Int,
                toVerify: [CriterionLine], notCovered: Int, total: Int) {
        self.date = date
        self.pages = pages
        self.rate = rate
        self.conforming = conforming
        self.applicable = applicable
        self.notApplicable = notApplicable
        self.toVerify = toVerify
        hasToVerify = !toVerify.isEmpty
        self.notCovered = notCovered
        self.total = total
    }
}
