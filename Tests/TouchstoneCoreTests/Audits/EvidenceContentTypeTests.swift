import Testing
import TouchstoneCore

@Suite struct EvidenceContentTypeTests {
    @Test func rasterImagesAndPDFOnly() {
        for accepted in ["image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf", "Image/PNG", " image/jpeg ; q=1"] {
            #expect(EvidenceContentType.isAllowed(accepted), "\(accepted)")
            #expect(EvidenceContentType.problem(accepted) == nil)
        }
        for refused in ["text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/octet-stream", "image/gif", "", ";"] {
            #expect(!EvidenceContentType.isAllowed(refused), "\(refused)")
            #expect(EvidenceContentType.problem(refused)?.contains("application/pdf") == true)
        }
    }

    @Test func onlyRasterImagesAreShownInline() {
        #expect(EvidenceContentType.isImage("image/webp"))
        #expect(EvidenceContentType.isImage("IMAGE/HEIC; x=1"))
        #expect(!EvidenceContentType.isImage("application/pdf"))
        #expect(!EvidenceContentType.isImage("image/svg+xml"))
    }

    @Test func mediaTypeDropsParametersAndCase() {
        #expect(EvidenceContentType.mediaType("Image/JPEG; charset=x") == "image/jpeg")
        #expect(EvidenceContentType.mediaType("application/pdf") == "application/pdf")
    }
}
