import Foundation
import Hummingbird
import TouchstoneCore

/// A template in the JSON shape of formats.md (`pass` as `{"max": x}`, decimals as numbers).
struct TemplateDefinition: ResponseEncodable {
    let template: Template

    private enum Key: String, CodingKey {
        case code, version, name, requireReview, disputeDays, runningScore, sections, weight, dimension, items
        case text, type, points, na, critical, min, max, pass, options, required, value
    }

    func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Key.self)
        try root.encode(template.code, forKey: .code)
        try root.encode(template.version, forKey: .version)
        try root.encode(template.name, forKey: .name)
        try root.encode(template.requireReview, forKey: .requireReview)
        try root.encode(template.disputeDays, forKey: .disputeDays)
        try root.encode(template.runningScore, forKey: .runningScore)
        var sections = root.nestedUnkeyedContainer(forKey: .sections)
        for section in template.sections {
            var s = sections.nestedContainer(keyedBy: Key.self)
            try s.encode(section.code, forKey: .code)
            try s.encode(section.name, forKey: .name)
            try s.encode(section.weight, forKey: .weight)
            try s.encode(section.dimension.rawValue, forKey: .dimension)
            var items = s.nestedUnkeyedContainer(forKey: .items)
            for item in section.items {
                try Self.encode(item, into: items.nestedContainer(keyedBy: Key.self))
            }
        }
    }

    private static func encode(_ item: TemplateItem, into container: KeyedEncodingContainer<Key>) throws {
        var c = container
        try c.encode(item.code, forKey: .code)
        try c.encode(item.text, forKey: .text)
        try c.encode(item.type.rawValue, forKey: .type)
        try c.encodeIfPresent(item.points, forKey: .points)
        if item.na { try c.encode(true, forKey: .na) }
        try c.encodeIfPresent(item.critical?.rawValue, forKey: .critical)
        try c.encodeIfPresent(item.dimension?.rawValue, forKey: .dimension)
        try c.encodeIfPresent(item.min, forKey: .min)
        try c.encodeIfPresent(item.max, forKey: .max)
        switch item.pass {
        case .max(let x)?:
            var pass = c.nestedContainer(keyedBy: Key.self, forKey: .pass)
            try pass.encode(x, forKey: .max)
        case .min(let x)?:
            var pass = c.nestedContainer(keyedBy: Key.self, forKey: .pass)
            try pass.encode(x, forKey: .min)
        case nil: break
        }
        if let options = item.options {
            var list = c.nestedUnkeyedContainer(forKey: .options)
            for option in options {
                var o = list.nestedContainer(keyedBy: Key.self)
                try o.encode(option.value, forKey: .value)
                try o.encode(option.points, forKey: .points)
            }
        }
        if item.required { try c.encode(true, forKey: .required) }
    }
}
