import Mustache

// Templates read views through `MustacheParent` instead of reflection: swift-mustache's
// `Mirror` lookup builds every property for each tag it resolves, which was a third of the
// build's time on a 10,000-page site. Keep each switch in step with its type's properties
// (the fixture and demo tests render every template and would show a missing one).

extension PageView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "documentTitle": return documentTitle
        case "description": return description.map { $0 as Any }
        case "url": return url
        case "canonicalURL": return canonicalURL
        case "homeURL": return homeURL
        case "assetsURL": return assetsURL
        case "authority": return authority
        case "navigation": return navigation
        case "breadcrumb": return breadcrumb
        case "hasBreadcrumb": return hasBreadcrumb
        case "content": return content
        case "pieces": return pieces
        case "hasPieces": return hasPieces
        case "form": return form.map { $0 as Any }
        case "accessibilityResults": return accessibilityResults.map { $0 as Any }
        case "errorSummary": return errorSummary
        case "hasErrors": return hasErrors
        case "updated": return updated.map { $0 as Any }
        case "updatedISO": return updatedISO.map { $0 as Any }
        case "listing": return listing
        case "hasListing": return hasListing
        case "sitemap": return sitemap
        case "footer": return footer
        case "body": return body
        default: return nil
        }
    }
}

extension AuthorityView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return name
        case "addressLine": return addressLine
        case "phone": return phone
        case "phoneURI": return phoneURI
        case "email": return email
        default: return nil
        }
    }
}

extension NavigationItemView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "url": return url
        case "ariaCurrent": return ariaCurrent.map { $0 as Any }
        default: return nil
        }
    }
}

extension BreadcrumbItemView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "url": return url
        case "isCurrent": return isCurrent
        default: return nil
        }
    }
}

extension ListingGroupView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "heading": return heading.map { $0 as Any }
        case "items": return items
        default: return nil
        }
    }
}

extension ListingItemView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "url": return url
        case "description": return description.map { $0 as Any }
        default: return nil
        }
    }
}

extension TreeItemView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "url": return url
        case "children": return children
        case "hasChildren": return hasChildren
        default: return nil
        }
    }
}

extension FooterView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "accessibilityLabel": return accessibilityLabel
        case "accessibilityURL": return accessibilityURL
        case "legalNoticeURL": return legalNoticeURL
        case "privacyURL": return privacyURL
        case "sitemapURL": return sitemapURL
        default: return nil
        }
    }
}

extension AccessibilityResultsView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "date": return date
        case "pages": return pages
        case "rate": return rate
        case "conforming": return conforming
        case "applicable": return applicable
        case "notApplicable": return notApplicable
        case "toVerify": return toVerify
        case "hasToVerify": return hasToVerify
        case "notCovered": return notCovered
        case "total": return total
        default: return nil
        }
    }
}
extension AccessibilityResultsView.CriterionLine: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "number": return number
        case "title": return title
        default: return nil
        }
    }
}
