import CLibPQ
import Logging

extension PQConnection {
    /// Runs `COPY … FROM STDIN` (text format) and streams rows from `produce`.
    ///
    /// ```swift
    /// let n = try conn.copyIn("COPY answer (id, value) FROM STDIN") { writer in
    ///     for a in answers { try writer.writeRow([a.id.uuidString, a.value]) }
    /// }
    /// ```
    ///
    /// If `produce` throws, the COPY is ended with an error (`PQputCopyEnd` with a message) so the server
    /// aborts it and inserts nothing; the producer's error is rethrown.
    /// - Parameters:
    ///   - sql: The `COPY … FROM STDIN` statement (text format; no binds are allowed by the server).
    ///   - produce: Writes the rows through the ``CopyWriter``.
    /// - Returns: The number of rows copied.
    @discardableResult
    public func copyIn(_ sql: Query, _ produce: (inout CopyWriter) throws -> Void) throws -> Int {
        let start = try exec(sql, accept: [PGRES_COPY_IN])
        PQclear(start)
        var writer = CopyWriter(connection: self)
        do {
            try produce(&writer)
            try writer.flush()
        } catch {
            let reason = (error as? PQError)?.message ?? "\(type(of: error))"
            _ = PQputCopyEnd(handle, "copy aborted by client: \(reason)")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw connectionError(sql: sql.sql) }
        let result = try check(PQgetResult(handle), sql: sql.sql, accept: [PGRES_COMMAND_OK])
        let count = Self.affectedRows(result)
        PQclear(result)
        drainResults()
        return count
    }

    /// Runs `COPY … TO STDOUT` and passes the data to `consume` chunk by chunk (one row per chunk in
    /// text format), without holding the whole output in memory.
    ///
    /// If `consume` throws, the connection is discarded after the lease (the COPY cannot be stopped
    /// cleanly mid-stream) and the error is rethrown.
    /// - Parameters:
    ///   - sql: The `COPY … TO STDOUT` statement.
    ///   - consume: Receives each chunk of raw COPY bytes.
    public func copyOut(_ sql: Query, _ consume: (ArraySlice<UInt8>) throws -> Void) throws {
        let start = try exec(sql, accept: [PGRES_COPY_OUT])
        PQclear(start)
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                let chunk = UnsafeRawBufferPointer(start: buffer, count: Int(length))
                let bytes = Array(chunk)
                PQfreemem(buffer)
                do {
                    try consume(bytes[...])
                } catch {
                    mustDiscard = true
                    throw error
                }
            } else if length == -1 {
                break
            } else {
                throw connectionError(sql: sql.sql)
            }
        }
        let result = try check(PQgetResult(handle), sql: sql.sql, accept: [PGRES_COMMAND_OK])
        PQclear(result)
        drainResults()
    }

    /// Sends pending COPY bytes.
    func putCopyData(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let sent = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw PQError(kind: .copy, message: "sending COPY data failed: \(connectionError(sql: nil).message)")
        }
    }
}

/// Buffers COPY text-format data (about 64 KB at a time) and sends it with `PQputCopyData`.
///
/// Only usable inside the ``PQConnection/copyIn(_:_:)`` closure that created it.
public struct CopyWriter {
    private let connection: PQConnection
    private var buffer: [UInt8] = []
    private let flushThreshold = 64 * 1024

    init(connection: PQConnection) {
        self.connection = connection
        buffer.reserveCapacity(flushThreshold + 1024)
    }

    /// Writes one row: fields separated by tabs, `nil` as `\N`, and `\`, tab, newline and carriage
    /// return escaped as COPY text format requires.
    /// - Parameter fields: The row's column values as PostgreSQL text, in the COPY column order.
    public mutating func writeRow(_ fields: [String?]) throws {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(9) }
            guard let field else {
                buffer.append(92)
                buffer.append(78)  // \N
                continue
            }
            // Most fields have nothing to escape: copied whole, not byte by byte.
            guard field.utf8.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 || $0 == 13 }) else {
                buffer.append(contentsOf: field.utf8)
                continue
            }
            for byte in field.utf8 {
                switch byte {
                case 92:
                    buffer.append(92)
                    buffer.append(92)  // \\
                case 9:
                    buffer.append(92)
                    buffer.append(116)  // \t
                case 10:
                    buffer.append(92)
                    buffer.append(110)  // \n
                case 13:
                    buffer.append(92)
                    buffer.append(114)  // \r
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(10)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Writes one row of encodable values (each via its ``PQEncodable/pqText``).
    public mutating func writeRow(_ values: [(any PQEncodable)?]) throws {
        try writeRow(values.map { $0?.pqText })
    }

    /// Writes already-formatted COPY data verbatim (must be complete, escaped text-format rows).
    public mutating func write(raw bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Sends the buffered bytes now.
    public mutating func flush() throws {
        try connection.putCopyData(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
