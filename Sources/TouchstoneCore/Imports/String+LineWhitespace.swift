extension Unicode.Scalar {
    /// Whether the scalar is whitespace within a line as `CharacterSet.whitespaces` defines it:
    /// a tab or a Unicode space separator (category Zs).
    public var isLineWhitespace: Bool {
        if value < 0x80 { return value == 0x20 || value == 0x09 }
        return properties.generalCategory == .spaceSeparator
    }
}

extension Substring {
    /// The text without leading and trailing ``Unicode/Scalar/isLineWhitespace`` scalars: what
    /// `trimmingCharacters(in: .whitespaces)` returns, without Foundation's bridging cost on the
    /// import's hot path.
    public var trimmingLineWhitespace: String {
        var scalars = unicodeScalars
        while let first = scalars.first, first.isLineWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isLineWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

extension String {
    /// The text without leading and trailing whitespace within a line (``Substring/trimmingLineWhitespace``).
    public var trimmingLineWhitespace: String {
        // Bytes first: an ASCII end byte is its scalar, and decoding scalars from both ends of
        // every cell was a twentieth of a survey import's client time.
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80 {
            let edge: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
            return edge(first) || edge(last) ? self[...].trimmingLineWhitespace : self
        }
        guard let first = unicodeScalars.first, let last = unicodeScalars.last, first.isLineWhitespace || last.isLineWhitespace else {
            return self
        }
        return self[...].trimmingLineWhitespace
    }
}
