import GuichetModel

/// What is the same on every page of a site: header, main navigation, footer and the way URLs
/// are published. The site builder and the gateway both frame their pages with it, so a
/// receipt or a form shown again with errors looks exactly like the published pages.
public struct SiteFrame: Sendable {
    public let config: SiteConfig
    /// "" or "/portail": prefixes every site-relative URL.
    public let basePath: String
    /// `https://www.ville.fr`, for absolute URLs (canonical link, sitemap.xml).
    public let origin: String
    let authority: AuthorityView
    let footer: FooterView

    public init(config: SiteConfig) {
        self.config = config
        basePath = SitePaths.basePath(of: config.baseURL)
        origin = SitePaths.origin(of: config.baseURL)
        authority = AuthorityView(config.authority)
        footer = FooterView(accessibility: config.accessibility,
                            accessibilityURL: basePath + SitePaths.accessibilityURL, legalNoticeURL: basePath + SitePaths.legalNoticeURL,
                            privacyURL: basePath + SitePaths.privacyURL, sitemapURL: basePath + SitePaths.sitemapURL)
    }

    /// A site-relative URL as published (with the base path); other URLs unchanged.
    public func published(_ url: String) -> String { url.hasPrefix("/") && !url.hasPrefix("//") ? basePath + url : url }

    /// Where forms post: `gateway_url` of guichet.yaml (a path on the same site, or a full URL).
    public func formAction(_ formID: String) -> String {
        let gateway = config.gatewayURL
        return (gateway.hasPrefix("/") ? basePath : "") + gateway + "/formulaires/" + formID
    }

    /// A form as a page shows it: empty when the build publishes it, with the citizen's values
    /// and the errors to fix when the gateway sends it back.
    public func formView(_ form: FormDefinition, values: [String: [String]] = [:],
                         errors: [(id: String, message: String)] = []) -> FormView {
        FormView(form: form, config: config, action: formAction(form.id), privacyPageURL: published(SitePaths.privacyURL),
                 values: values, errors: errors)
    }

    /// Accueil › Formulaires en ligne › the form: the trail of a form's own page.
    public func formBreadcrumb(_ form: FormDefinition) -> [BreadcrumbItemView] {
        [BreadcrumbItemView(label: "Accueil", url: published("/"), isCurrent: false),
         BreadcrumbItemView(label: SitePaths.formsFolderTitle, url: published(SitePaths.formsURL), isCurrent: false),
         BreadcrumbItemView(label: form.title, url: published(SitePaths.formURL(form.id)), isCurrent: true)]
    }

    /// - Parameter url: site-relative URL of the page, without the base path (marks the
    ///   current item of the navigation).
    public func pageView(title: String, url: String, description: String?, breadcrumb: [BreadcrumbItemView],
                         content: String, updated: SimpleDate? = nil, listing: [ListingGroupView] = [],
                         sitemap: [TreeItemView] = []) -> PageView {
        let nav = config.navigation.map { item -> NavigationItemView in
            let current: String? = url == item.url ? "page" : (item.url != "/" && url.hasPrefix(item.url) ? "true" : nil)
            return NavigationItemView(label: item.label, url: published(item.url), ariaCurrent: current)
        }
        return PageView(title: title, documentTitle: "\(title) – \(authority.name)", description: description,
                        url: published(url), canonicalURL: origin + published(url),
                        homeURL: published("/"), assetsURL: published(SitePaths.assetsPrefix),
                        authority: authority, navigation: nav, breadcrumb: breadcrumb, content: content,
                        updated: updated, listing: listing, sitemap: sitemap, footer: footer)
    }
}
