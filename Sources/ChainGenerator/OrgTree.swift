/// The chain's 4-level org tree (大区 / 省 / 市 / 片区), shaped like `gen_chain.py`.
///
/// Outlet `i` is in area `i % areas`; area `a` is in city `a % cities`; city `c` in province
/// `c % provinces`; province `p` in top region `p % 4`. Each node has one parent, so the paths form a tree.
/// From 2,000 outlets on the counts are exactly gen_chain.py's (25 outlets an area, 4 areas a city,
/// 5 cities a province: the national chain has 400 areas, 100 cities, 20 provinces, 4 top regions);
/// smaller chains get at least 12 areas, 6 cities and 4 provinces (as far as there are outlets) so
/// that a demo still has several top regions (40 outlets: 12 areas, 6 cities, 4 provinces, 4 tops).
struct OrgTree: Sendable {
    let areas: Int
    let cities: Int
    let provinces: Int

    init(outlets: Int) {
        areas = max(1, max(outlets / 25, min(outlets, 12)))
        cities = max(1, max(areas / 4, min(areas, 6)))
        provinces = max(1, max(cities / 5, min(cities, 4)))
    }

    func area(ofOutlet i: Int) -> Int { i % areas }
    func city(ofOutlet i: Int) -> Int { area(ofOutlet: i) % cities }
    func province(ofOutlet i: Int) -> Int { city(ofOutlet: i) % provinces }
    func top(ofOutlet i: Int) -> Int { province(ofOutlet: i) % 4 }

    /// Number of distinct top regions.
    var topRegions: Int { min(4, provinces) }

    /// Writes the outlet's `region_path`, e.g. `大区0/省0/市12/片区112`.
    func writePath(ofOutlet i: Int, to out: inout ByteWriter) {
        out.text("大区")
        out.int(top(ofOutlet: i))
        out.text("/省")
        out.int(province(ofOutlet: i))
        out.text("/市")
        out.int(city(ofOutlet: i))
        out.text("/片区")
        out.int(area(ofOutlet: i))
    }
}
