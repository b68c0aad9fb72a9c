/// The one definition of a region's subtree: the node itself and every path below it.
/// `华东/上海` contains `华东/上海` and `华东/上海/浦东`, not `华东/上海X`. Every character of a
/// region's name is literal (`_` and `%` are not wildcards). The SQL twin is
/// `app_in_region_subtree(path, root)` (sql/0090_region_subtree.sql); keep them the same.
public enum RegionSubtree {
    /// Whether `path` is `root` or lies below it.
    public static func contains(_ path: String, root: String) -> Bool {
        path == root || path.hasPrefix(root + "/")
    }
}
