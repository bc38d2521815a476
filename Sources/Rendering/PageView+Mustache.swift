import Mustache

// Templates read views through `MustacheParent` instead of reflection: swift-mustache's
// `Mirror` lookup builds every property for each tag it resolves, which was a third of the
// build's time on a 10,000-page site. Keep each switch in step with its type's properties
// (the fixture and demo tests render every template and would show a missing one).

extension PageView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return self.title
        case "documentTitle": return self.documentTitle
        case "description": return self.description.map { $0 as Any }
        case "url": return self.url
        case "canonicalURL": return self.canonicalURL
        case "homeURL": return self.homeURL
        case "assetsURL": return self.assetsURL
        case "authority": return self.authority
        case "navigation": return self.navigation
        case "breadcrumb": return self.breadcrumb
        case "hasBreadcrumb": return self.hasBreadcrumb
        case "content": return self.content
        case "pieces": return self.pieces
        case "hasPieces": return self.hasPieces
        case "form": return self.form.map { $0 as Any }
        case "accessibilityResults": return self.accessibilityResults.map { $0 as Any }
        case "errorSummary": return self.errorSummary
        case "hasErrors": return self.hasErrors
        case "notice": return self.notice.map { $0 as Any }
        case "receipt": return self.receipt.map { $0 as Any }
        case "message": return self.message.map { $0 as Any }
        case "noIndex": return self.noIndex
        case "updated": return self.updated.map { $0 as Any }
        case "updatedISO": return self.updatedISO.map { $0 as Any }
        case "listing": return self.listing
        case "hasListing": return self.hasListing
        case "sitemap": return self.sitemap
        case "footer": return self.footer
        case "body": return self.body
        default: return nil
        }
    }
}

extension AuthorityView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "addressLine": return self.addressLine
        case "phone": return self.phone
        case "phoneURI": return self.phoneURI
        case "email": return self.email
        default: return nil
        }
    }
}

extension NavigationItemView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return self.label
        case "url": return self.url
        case "ariaCurrent": return self.ariaCurrent.map { $0 as Any }
        default: return nil
        }
    }
}

extension BreadcrumbItemView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return self.label
        case "url": return self.url
        case "isCurrent": return self.isCurrent
        default: return nil
        }
    }
}

extension ListingGroupView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "heading": return self.heading.map { $0 as Any }
        case "items": return self.items
        default: return nil
        }
    }
}

extension ListingItemView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return self.title
        case "url": return self.url
        case "description": return self.description.map { $0 as Any }
        default: return nil
        }
    }
}

extension TreeItemView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return self.title
        case "url": return self.url
        case "children": return self.children
        case "hasChildren": return self.hasChildren
        default: return nil
        }
    }
}

extension FooterView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "accessibilityLabel": return self.accessibilityLabel
        case "accessibilityURL": return self.accessibilityURL
        case "legalNoticeURL": return self.legalNoticeURL
        case "privacyURL": return self.privacyURL
        case "sitemapURL": return self.sitemapURL
        default: return nil
        }
    }
}

extension AccessibilityResultsView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "date": return self.date
        case "pages": return self.pages
        case "rate": return self.rate
        case "conforming": return self.conforming
        case "applicable": return self.applicable
        case "notApplicable": return self.notApplicable
        case "toVerify": return self.toVerify
        case "hasToVerify": return self.hasToVerify
        case "notCovered": return self.notCovered
        case "total": return self.total
        default: return nil
        }
    }
}
extension AccessibilityResultsView.CriterionLine: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "number": return self.number
        case "title": return self.title
        default: return nil
        }
    }
}
