public import Logging
import TouchstoneCore

/// The text of one JSON log record:
/// `{"timestamp":"…Z","level":"info","label":"…","message":"…","metadata":{…}}`.
///
/// Keys come in that order; metadata keys are sorted; strings are escaped as JSON requires
/// (quotes, backslashes, control characters), everything else is kept as UTF-8.
/// `stringConvertible` metadata is written as its description; nested dictionaries and arrays
/// become JSON objects and arrays.
public enum JSONLogLine {
    /// Renders one record (no trailing newline).
    public static func render(
        timestamp: LogTimestamp, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var out = #"{"timestamp":""#
        out += timestamp.rfc3339
        out += #"","level":"#
        out += JSONValue.string(level.rawValue).canonicalText
        out += #","label":"#
        out += JSONValue.string(label).canonicalText
        out += #","message":"#
        out += JSONValue.string(message).canonicalText
        out += #","metadata":"#
        out += JSONValue.object(metadata.map { (key: $0.key, value: json($0.value)) }).canonicalText
        out += "}"
        return out
    }

    /// A metadata value as JSON (strings only at the leaves: no number is reinterpreted).
    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .dictionary(let dictionary): .object(dictionary.map { (key: $0.key, value: json($0.value)) })
        case .array(let array): .array(array.map(json))
        }
    }
}
