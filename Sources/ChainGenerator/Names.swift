/// Chinese personal names for staff rows: a common surname and a one- or two-character given name.
enum Names {
    static let surnames: [String] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
        "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
        "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
        "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
        "欧阳", "司马",
    ]

    static let givenCharacters: [String] = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
        "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红", "鹏", "辉", "建", "文",
        "斌", "宇", "浩", "凯", "婷", "雪", "琳", "晨", "欣", "怡", "佳", "悦", "子", "涵", "梓", "轩",
        "博", "思", "雨", "嘉", "豪", "俊", "昊", "然", "璐", "倩", "颖", "峰", "志", "海", "春", "晓",
    ]

    /// A name drawn from `rng`: 60 % two-character given names, 40 % one character.
    static func person(_ rng: inout Xoshiro256StarStar) -> String {
        var name = rng.pick(surnames)
        name += rng.pick(givenCharacters)
        if rng.chance(0.6) { name += rng.pick(givenCharacters) }
        return name
    }
}
