// MARK: - 5.4, 5.7, 5.8 Tableaux

/// 5.7.2 `scope` has a valid value; 5.7.4 `headers` points to cells of the same table;
/// 5.4.1 a first row spanning the whole table looks like a title (for a human);
/// 5.8.1 a layout table (role="presentation") uses no data-table elements.
final class TableRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["table", "th", "td"]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        switch page.node(element).name {
        case "table": checkTable(element, in: page)
        default: checkCell(element, in: page)
        }
    }

    private func checkCell(_ cell: Int, in page: PageContext) {
        let node = page.node(cell)
        if node.name == "th", let scope = node.attribute("scope") {
            let value = scope.trimmingWhitespace().lowercased()
            if !["row", "col", "rowgroup", "colgroup"].contains(value) {
                page.report("5.7.2", .nonConforme, at: cell, Messages.invalidScope(scope))
            }
        }
        guard let headers = node.attribute("headers") else { return }
        let table = page.document.nearestAncestor(of: cell, named: ["table"])
        // Only the cells of a table that is exposed as a table.
        if let table, let role = page.explicitRole(of: table), !["table", "grid", "treegrid"].contains(role) { return }
        for token in headers.split(whereSeparator: \.isWhitespace).map(String.init) {
            guard let target = page.document.elementsByID[token]?.first else {
                page.report("5.7.4", .nonConforme, at: cell, Messages.headersMissingID(token))
                continue
            }
            if target == cell {
                page.report("5.7.4", .nonConforme, at: cell, Messages.headersSelf(token))
            } else if !["th", "td"].contains(page.node(target).name)
                        || page.document.nearestAncestor(of: target, named: ["table"]) != table {
                page.report("5.7.4", .nonConforme, at: cell, Messages.headersOutsideTable(token))
            }
        }
    }

    private func checkTable(_ table: Int, in page: PageContext) {
        let role = page.explicitRole(of: table)
        let rows = self.rows(of: table, in: page)
        if role == "presentation" || role == "none" {
            var used: [String] = []
            for child in page.document.children(of: table) where ["caption", "thead", "tfoot"].contains(page.node(child).name) {
                used.append("<\(page.node(child).name)>")
            }
            if rows.contains(where: { row in page.document.children(of: row).contains { page.node($0).name == "th" } }) {
                used.append("<th>")
            }
            if page.nonEmptyAttribute("summary", of: table) != nil { used.append("summary") }
            if !used.isEmpty {
                page.report("5.8.1", .nonConforme, at: table, Messages.layoutTableWithDataElements(used))
            }
            return
        }
        // A data table (it has header cells) without any title, whose first row is one cell
        // spanning every column: that cell is probably a title in disguise.
        let hasTitle = page.document.children(of: table).contains { page.node($0).name == "caption" }
            || ["aria-label", "aria-labelledby", "title"].contains { page.nonEmptyAttribute($0, of: table) != nil }
        guard !hasTitle, rows.count >= 2 else { return }
        let firstCells = cells(of: rows[0], in: page)
        guard firstCells.count == 1 else { return }
        let otherWidths = rows.dropFirst().map { width(of: $0, in: page) }
        let widest = otherWidths.max() ?? 0
        let span = Int(page.attribute("colspan", of: firstCells[0])?.trimmingWhitespace() ?? "1") ?? 1
        let hasHeaders = rows.dropFirst().contains { row in cells(of: row, in: page).contains { page.node($0).name == "th" } }
        if widest >= 2 && span >= widest && hasHeaders {
            page.report("5.4.1", .aVerifier, at: firstCells[0], Messages.fakeCaption)
        }
    }

    /// The `<tr>` of a table, through `thead`/`tbody`/`tfoot`, not those of nested tables.
    private func rows(of table: Int, in page: PageContext) -> [Int] {
        var result: [Int] = []
        for child in page.document.children(of: table) {
            switch page.node(child).name {
            case "tr": result.append(child)
            case "thead", "tbody", "tfoot":
                result += page.document.children(of: child).filter { page.node($0).name == "tr" }
            default: break
            }
        }
        return result
    }

    private func cells(of row: Int, in page: PageContext) -> [Int] {
        page.document.children(of: row).filter { ["td", "th"].contains(page.node($0).name) }
    }

    private func width(of row: Int, in page: PageContext) -> Int {
        cells(of: row, in: page).reduce(0) { $0 + max(1, Int(page.attribute("colspan", of: $1)?.trimmingWhitespace() ?? "1") ?? 1) }
    }
}
