import Foundation

/// Collects problems while reading a JSON document (internal helper).
final class ProblemSink {
    var problems: [Problem] = []
    func add(_ path: String, _ message: String) { problems.append(Problem(path: path, message: message)) }
}

/// Path helpers: `a.b`, `a[0]`.
func joinPath(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }
func joinPath(_ base: String, _ index: Int) -> String { base + "[\(index)]" }

/// The exact decimal of JSON number text (exponents allowed); nil when out of range.
func decimalFromJSONNumber(_ text: String) -> Decimal? {
    if Decimal.isPlainDecimal(text) { return Decimal(exactly: text) }
    guard let r = Rational(plainText: text) else { return nil }
    let d = r.decimal
    return Rational(d) == r ? d : nil
}

/// Reads typed members of one JSON object, recording a problem (with its path) for every
/// missing required key or wrongly typed value.
struct ObjectReader {
    let value: JSONValue
    let path: String
    let sink: ProblemSink

    /// nil (and a problem) when `json` is not an object.
    init?(_ json: JSONValue, path: String, sink: ProblemSink) {
        guard case .object = json else {
            sink.add(path, "expected an object, got \(json.typeName)")
            return nil
        }
        value = json
        self.path = path
        self.sink = sink
    }

    func has(_ key: String) -> Bool {
        if let v = value[key], v != .null { return true }
        return false
    }

    func raw(_ key: String) -> JSONValue? {
        guard let v = value[key], v != .null else { return nil }
        return v
    }

    private func missing(_ key: String, _ required: Bool) {
        if required { sink.add(joinPath(path, key), "is required") }
    }

    func string(_ key: String, required: Bool = false, nonEmpty: Bool = true) -> String? {
        guard let v = raw(key) else {
            missing(key, required)
            return nil
        }
        guard case .string(let s) = v else {
            sink.add(joinPath(path, key), "expected a string, got \(v.typeName)")
            return nil
        }
        if nonEmpty && s.trimmingLineWhitespace.isEmpty {
            sink.add(joinPath(path, key), "must not be empty")
            return nil
        }
        return s
    }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let v = raw(key) else {
            missing(key, required)
            return nil
        }
        guard case .bool(let b) = v else {
            sink.add(joinPath(path, key), "expected true or false, got \(v.typeName)")
            return nil
        }
        return b
    }

    func int(_ key: String, required: Bool = false) -> Int? {
        guard let v = raw(key) else {
            missing(key, required)
            return nil
        }
        guard case .number(let text) = v, let d = decimalFromJSONNumber(text),
            d == d.rounded(scale: 0), let i = Int(d.description)
        else {
            sink.add(joinPath(path, key), "expected an integer, got \(v.typeName == "number" ? "a fraction" : v.typeName)")
            return nil
        }
        return i
    }

    /// A decimal given as a JSON number or (for money) as a decimal string `"1500.00"`.
    func decimal(_ key: String, required: Bool = false) -> Decimal? {
        guard let v = raw(key) else {
            missing(key, required)
            return nil
        }
        return ObjectReader.decimal(v, path: joinPath(path, key), sink: sink)
    }

    static func decimal(_ v: JSONValue, path: String, sink: ProblemSink) -> Decimal? {
        switch v {
        case .number(let text):
            if let d = decimalFromJSONNumber(text) { return d }
            sink.add(path, "number out of range")
        case .string(let text):
            if let d = Decimal(exactly: text.trimmingLineWhitespace) { return d }
            sink.add(path, "expected a decimal number, got \"\(text)\"")
        default:
            sink.add(path, "expected a number, got \(v.typeName)")
        }
        return nil
    }

    func array(_ key: String, required: Bool = false) -> [JSONValue]? {
        guard let v = raw(key) else {
            missing(key, required)
            return nil
        }
        guard case .array(let items) = v else {
            sink.add(joinPath(path, key), "expected an array, got \(v.typeName)")
            return nil
        }
        return items
    }

    func object(_ key: String, required: Bool = false) -> ObjectReader? {
        guard let v = raw(key) else {
            missing(key, required)
            return nil
        }
        return ObjectReader(v, path: joinPath(path, key), sink: sink)
    }

    /// Members of an object-valued key, in source order.
    func members(_ key: String, required: Bool = false) -> [(key: String, value: JSONValue)]? {
        guard let v = raw(key) else {
            missing(key, required)
            return nil
        }
        guard case .object(let m) = v else {
            sink.add(joinPath(path, key), "expected an object, got \(v.typeName)")
            return nil
        }
        return m
    }

    /// A string member that must be one of `allowed`.
    func oneOf<T>(_ key: String, required: Bool = false, _ allowed: [String: T]) -> T? {
        guard let s = string(key, required: required) else { return nil }
        if let t = allowed[s] { return t }
        sink.add(joinPath(path, key), "unknown value \"\(s)\" (expected one of: \(allowed.keys.sorted().joined(separator: ", ")))")
        return nil
    }
}
