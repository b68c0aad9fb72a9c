/// The demo's 40 dealers in four regions and 16 cities (region path `华东/上海`: two or three
/// dealers a city, so an outlet's region profile is not the outlet's own), listed region by
/// region in turn, so that the first few already span every region.
enum DealerNetwork {
    struct Dealer: Sendable {
        let code: String
        let name: String
        let regionPath: String
        let city: String
    }

    static let dealers: [Dealer] = [
        Dealer(code: "SH01", name: "上海浦东店", regionPath: "华东/上海", city: "上海"),
        Dealer(code: "GZ01", name: "广州天河店", regionPath: "华南/广州", city: "广州"),
        Dealer(code: "BJ01", name: "北京朝阳店", regionPath: "华北/北京", city: "北京"),
        Dealer(code: "CD01", name: "成都高新店", regionPath: "中西部/成都", city: "成都"),
        Dealer(code: "SH02", name: "上海闵行店", regionPath: "华东/上海", city: "上海"),
        Dealer(code: "GZ02", name: "广州番禺店", regionPath: "华南/广州", city: "广州"),
        Dealer(code: "BJ02", name: "北京海淀店", regionPath: "华北/北京", city: "北京"),
        Dealer(code: "CD02", name: "成都武侯店", regionPath: "中西部/成都", city: "成都"),
        Dealer(code: "SH03", name: "上海嘉定店", regionPath: "华东/上海", city: "上海"),
        Dealer(code: "GZ03", name: "广州白云店", regionPath: "华南/广州", city: "广州"),
        Dealer(code: "BJ03", name: "北京丰台店", regionPath: "华北/北京", city: "北京"),
        Dealer(code: "CD03", name: "成都锦江店", regionPath: "中西部/成都", city: "成都"),
        Dealer(code: "HZ01", name: "杭州西湖店", regionPath: "华东/杭州", city: "杭州"),
        Dealer(code: "SZ01", name: "深圳南山店", regionPath: "华南/深圳", city: "深圳"),
        Dealer(code: "TJ01", name: "天津滨海店", regionPath: "华北/天津", city: "天津"),
        Dealer(code: "CQ01", name: "重庆渝北店", regionPath: "中西部/重庆", city: "重庆"),
        Dealer(code: "HZ02", name: "杭州滨江店", regionPath: "华东/杭州", city: "杭州"),
        Dealer(code: "SZ02", name: "深圳宝安店", regionPath: "华南/深圳", city: "深圳"),
        Dealer(code: "TJ02", name: "天津河西店", regionPath: "华北/天津", city: "天津"),
        Dealer(code: "CQ02", name: "重庆九龙坡店", regionPath: "中西部/重庆", city: "重庆"),
        Dealer(code: "HZ03", name: "杭州萧山店", regionPath: "华东/杭州", city: "杭州"),
        Dealer(code: "SZ03", name: "深圳龙岗店", regionPath: "华南/深圳", city: "深圳"),
        Dealer(code: "JN01", name: "济南历下店", regionPath: "华北/济南", city: "济南"),
        Dealer(code: "WH01", name: "武汉洪山店", regionPath: "中西部/武汉", city: "武汉"),
        Dealer(code: "NJ01", name: "南京江宁店", regionPath: "华东/南京", city: "南京"),
        Dealer(code: "FS01", name: "佛山南海店", regionPath: "华南/佛山", city: "佛山"),
        Dealer(code: "JN02", name: "济南高新店", regionPath: "华北/济南", city: "济南"),
        Dealer(code: "WH02", name: "武汉汉阳店", regionPath: "中西部/武汉", city: "武汉"),
        Dealer(code: "NJ02", name: "南京鼓楼店", regionPath: "华东/南京", city: "南京"),
        Dealer(code: "FS02", name: "佛山顺德店", regionPath: "华南/佛山", city: "佛山"),
        Dealer(code: "QD01", name: "青岛崂山店", regionPath: "华北/青岛", city: "青岛"),
        Dealer(code: "XA01", name: "西安雁塔店", regionPath: "中西部/西安", city: "西安"),
        Dealer(code: "SU01", name: "苏州园区店", regionPath: "华东/苏州", city: "苏州"),
        Dealer(code: "XM01", name: "厦门思明店", regionPath: "华南/厦门", city: "厦门"),
        Dealer(code: "QD02", name: "青岛黄岛店", regionPath: "华北/青岛", city: "青岛"),
        Dealer(code: "XA02", name: "西安未央店", regionPath: "中西部/西安", city: "西安"),
        Dealer(code: "SU02", name: "苏州吴中店", regionPath: "华东/苏州", city: "苏州"),
        Dealer(code: "XM02", name: "厦门集美店", regionPath: "华南/厦门", city: "厦门"),
        Dealer(code: "QD03", name: "青岛城阳店", regionPath: "华北/青岛", city: "青岛"),
        Dealer(code: "XA03", name: "西安曲江店", regionPath: "中西部/西安", city: "西安"),
    ]
}
