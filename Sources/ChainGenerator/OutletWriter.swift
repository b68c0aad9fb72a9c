import Foundation

/// outlets.csv: `code,name,type,region_path,opened_on,closed_on,city`.
enum OutletWriter {
    static let header = "code,name,type,region_path,opened_on,closed_on,city"

    /// Writes every outlet (all `branch`, opened on 1 January seven years before the period, still open).
    static func write(spec: ChainSpec, period: Period, tree: OrgTree, to url: URL) throws -> Int {
        var out = try ByteWriter(url: url)
        out.text(header)
        try out.endLine()
        let openedOn = "\(period.year - 7)-01-01"
        for i in 0..<spec.outlets {
            out.outletCode(i)
            out.text(",网点")
            out.int(i)
            out.text(",branch,")
            tree.writePath(ofOutlet: i, to: &out)
            out.byte(44)
            out.text(openedOn)
            out.text(",,市")
            out.int(tree.city(ofOutlet: i))
            try out.endLine()
        }
        let bytes = try out.close()
        return bytes
    }
}
