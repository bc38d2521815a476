import Foundation
import Hummingbird

/// The HTTP server of `guichet serve`: the built site from a folder, on the loopback interface,
/// for editors to look at their pages before publishing. Production serves `site/` with
/// nginx or Apache (see README); this server is not meant to face the Internet.
public struct PreviewServer: Sendable {
    public var siteFolder: String
    public var host: String
    public var port: Int

    public init(siteFolder: String, host: String = "127.0.0.1", port: Int = 8080) {
        self.siteFolder = siteFolder
        self.host = host
        self.port = port
    }

    public func run(onReady: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let router = Router()
        router.middlewares.add(NotFoundPageMiddleware(page: URL(fileURLWithPath: siteFolder).appendingPathComponent("404.html")))
        router.middlewares.add(FileMiddleware(siteFolder, searchForIndexHtml: true))
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "Guichet"),
            onServerRunning: { channel in onReady(channel.localAddress?.port ?? 0) },
            logger: nil)
        try await app.runService()
    }
}

/// Answers unknown addresses with the site's own 404 page, as nginx's `error_page 404` does.
struct NotFoundPageMiddleware<Context: RequestContext>: RouterMiddleware {
    let page: URL

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let data = try? Data(contentsOf: page) else { throw error }
            return Response(status: .notFound, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
