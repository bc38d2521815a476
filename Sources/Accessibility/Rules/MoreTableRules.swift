// MARK: - 5.6 En-têtes de tableaux de données

/// 5.6.1 a data table's headers are `<th>` (or role="columnheader"/"rowheader"). Statically
/// only hints, for a human: an empty `<th>` (often a corner cell that should be a `<td>`),
/// and a table of several rows and columns without any header cell (a data table missing its
/// headers, or a layout table missing role="presentation").
final class TableHeaderRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["table"]
    private var tables: [Int] = []

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        if let role = page.explicitRole(of: element), role != "table" { return }
        tables.append(element)
    }

    /// After the walk: the hidden state of every cell is known.
    func finish(in page: PageContext) {
        for table in tables { check(table, in: page) }
    }

    private func check(_ table: Int, in page: PageContext) {
        var rows: [Int] = []
        for child in page.document.children(of: table) {
            switch page.node(child).name {
            case "tr": rows.append(child)
            case "thead", "tbody", "tfoot": rows += page.document.children(of: child).filter { page.node($0).name == "tr" }
            default: break
            }
        }
        var hasHeader = false
        var widest = 0
        for row in rows {
            if let role = page.explicitRole(of: row), role != "row" { continue }
            var width = 0
            for cell in page.document.children(of: row) {
                let name = page.node(cell).name
                guard name == "td" || name == "th" else { continue }
                width += 1
                let role = page.explicitRole(of: cell)
                if role == "columnheader" || role == "rowheader" || (name == "th" && role == nil) { hasHeader = true }
                if name == "th", role == nil, !page.hiddenFromAssistiveTechnologies[cell],
                   page.accessibleName(of: cell).isEmpty && page.nonEmptyAttribute("abbr", of: cell) == nil {
                    page.report("5.6.1", .aVerifier, at: cell, Messages.emptyHeaderCell)
                }
            }
            widest = max(widest, width)
        }
        // One row or one column: a list in disguise rather than a data table.
        if !hasHeader && rows.count >= 2 && widest >= 2 {
            page.report("5.6.1", .aVerifier, at: table, Messages.dataTableWithoutHeaders)
        }
    }
}
