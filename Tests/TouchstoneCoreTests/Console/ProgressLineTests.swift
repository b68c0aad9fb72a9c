import Foundation
import Testing
import TouchstoneCore

@Suite struct ProgressLineTests {
    @Test func aPipeGetsNoProgress() throws {
        let pipe = Pipe()
        let line = ProgressLine(descriptor: pipe.fileHandleForWriting.fileDescriptor)
        #expect(!line.isTerminal)
        line.update("batch: 10 KPI rows")
        line.update("batch: done")
        line.finish()
        try pipe.fileHandleForWriting.close()
        #expect(pipe.fileHandleForReading.readDataToEndOfFile().isEmpty)
    }
}
