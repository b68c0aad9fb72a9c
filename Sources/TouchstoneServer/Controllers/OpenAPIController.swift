import Foundation
import Hummingbird
import TouchstoneStore

/// `GET /openapi.yaml` (unauthenticated): the API description, `docs/openapi.yaml`, read once at
/// startup from beside the migrations (`Migrator.locateDirectory()`'s parent).
struct OpenAPIController {
    /// The document's bytes, or why it could not be read.
    let document: Result<ByteBuffer, APIProblem>

    /// Reads `docs/openapi.yaml` beside the `sql/` directory the migrations come from.
    static func installed() -> OpenAPIController {
        let url: URL
        do {
            url = try Migrator.locateDirectory().deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        } catch {
            return OpenAPIController(document: .failure(.notFound("The OpenAPI document is not installed: \(error)")))
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return OpenAPIController(document: .failure(.notFound("The OpenAPI document is not installed: \(url.path) is missing.")))
        }
        return OpenAPIController(document: .success(ByteBuffer(bytes: data)))
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: try document.get()))
        }
    }
}
