import Foundation
import Gateway
import HTTPTypes
import Hummingbird

/// The HTTP server of `guichet serve`: the built site from a folder and, under the gateway's
/// prefix, the gateway itself, on the loopback interface, so a person can open the demo, fill
/// a form and get a receipt. Production serves `site/` with nginx or Apache and the gateway
/// through FastCGI or CGI (see docs/deploiement.md); this server is not meant to face the
/// Internet.
public struct PreviewServer: Sendable {
    public var siteFolder: String
    public var host: String
    public var port: Int
    /// nil: static pages only (`guichet serve` without a queue).
    public var gateway: (any GatewayHandler)?
    /// Path under which requests go to the gateway ("/guichet").
    public var gatewayPrefix: String

    public init(siteFolder: String, host: String = "127.0.0.1", port: Int = 8080,
                gateway: (any GatewayHandler)? = nil, gatewayPrefix: String = "/guichet") {
        self.siteFolder = siteFolder
        self.host = host
        self.port = port
        self.gateway = gateway
        self.gatewayPrefix = gatewayPrefix
    }

    public func run(onReady: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let router = Router()
        if let gateway {
            router.middlewares.add(GatewayMiddleware(gateway: gateway, prefix: gatewayPrefix))
        }
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

/// Hands requests under the gateway's prefix to the transport-free core, the body read up to
/// the gateway's limit (beyond it, the core's own "too large" page).
struct GatewayMiddleware<Context: RequestContext>: RouterMiddleware {
    let gateway: any GatewayHandler
    let prefix: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == prefix || path.hasPrefix(prefix + "/") else { return try await next(request, context) }
        let answer: GatewayResponse
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > gateway.limits.maximumBodySize {
            answer = gateway.refuse(.bodyTooLarge)
        } else {
            do {
                let buffer = try await request.body.collect(upTo: gateway.limits.maximumBodySize)
                var head = request.head
                if head.scheme == nil { head.scheme = "http" }
                answer = await gateway.handle(GatewayRequest(head: head, body: Array(buffer.readableBytesView)))
            } catch let error as HTTPError where error.status == .contentTooLarge {
                answer = gateway.refuse(.bodyTooLarge)
            } catch {
                answer = gateway.refuse(.malformed)
            }
        }
        return Response(status: answer.head.status, headers: answer.head.headerFields,
                        body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
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
