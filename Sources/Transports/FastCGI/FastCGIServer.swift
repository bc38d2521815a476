import Foundation
import Gateway
import NIOCore
import NIOPosix

/// The FastCGI responder of `guichet gateway fastcgi`, for nginx (`fastcgi_pass`), Apache
/// (`mod_proxy_fcgi`) or lighttpd (`mod_fastcgi`).
///
/// Each connection carries one request at a time (`FCGI_MPXS_CONNS=0`), kept open between
/// requests when the web server asks (`FCGI_KEEP_CONN`, nginx's `fastcgi_keep_conn on`).
/// Parameters and body are bounded by `limits` while they arrive; a body over the limit gets the
/// handler's refusal page. A connection that sends nothing for `idleTimeout` (between requests
/// or in the middle of one) is closed, and so is one that has not finished sending its request
/// `requestTimeout` after it began. With keep-alive, set the web server's own idle time below
/// `idleTimeout` (nginx: `keepalive_timeout` in the `upstream` block) so that it is the one
/// that closes idle connections.
///
/// On a Unix socket, the socket file is made `0660`: the web server's user must be the owner or
/// in the socket's group (for example run guichet with group `www-data`, or add `www-data` to
/// guichet's group). Others cannot connect. For example (nginx):
///
///     upstream guichet { server unix:/run/guichet/fastcgi.sock; keepalive 8; keepalive_timeout 20s; }
///     location /guichet/ { include fastcgi_params; fastcgi_pass guichet; fastcgi_keep_conn on; }
///
/// Stop it by cancelling the task that runs it (on SIGTERM, for instance): it stops accepting,
/// lets requests being handled be answered, closes the rest and removes the socket file.
/// Killed without that, it leaves the socket file, which the next start removes.
public struct FastCGIServer: Sendable {
    public var handler: any GatewayHandler
    public var limits: GatewayLimits
    public var idleTimeout: Duration
    public var requestTimeout: Duration
    /// Connections served at once; one more is answered `FCGI_OVERLOADED` and closed.
    /// Also announced as `FCGI_MAX_CONNS` and `FCGI_MAX_REQS`.
    public var maximumConnections: Int
    /// On cancellation: how long requests already being handled may take to be answered.
    public var shutdownGracePeriod: Duration

    /// - Parameter limits: defaults to `handler.limits`.
    public init(handler: any GatewayHandler, limits: GatewayLimits? = nil, idleTimeout: Duration = .seconds(30),
                requestTimeout: Duration = .seconds(300), maximumConnections: Int = 1024,
                shutdownGracePeriod: Duration = .seconds(10)) {
        self.handler = handler
        self.limits = limits ?? handler.limits
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.maximumConnections = maximumConnections
        self.shutdownGracePeriod = shutdownGracePeriod
    }

    /// Serves on TCP until the task is cancelled. `onReady` gets the bound port (useful with port 0).
    public func run(host: String = "127.0.0.1", port: Int,
                    onReady: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let registry = ConnectionRegistry(maximum: maximumConnections)
        let channel = try await bootstrap(registry: registry, tcp: true).bind(host: host, port: port).get()
        onReady(channel.localAddress?.port ?? port)
        await serve(channel, registry: registry)
    }

    /// Serves on a Unix socket until the task is cancelled, then removes the socket file.
    /// A socket file left by a previous run is removed first; a path that is not a socket, or a
    /// socket something still listens on, is an error (never deleted).
    public func run(socketPath: String, onReady: @escaping @Sendable () -> Void = {}) async throws {
        try await Self.removeStaleSocket(at: socketPath)
        let registry = ConnectionRegistry(maximum: maximumConnections)
        let channel = try await bootstrap(registry: registry, tcp: false).bind(unixDomainSocketPath: socketPath).get()
        defer { try? FileManager.default.removeItem(atPath: socketPath) }
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o660], ofItemAtPath: socketPath)
        } catch {
            try? await channel.close()
            throw error
        }
        onReady()
        await serve(channel, registry: registry)
    }

    // MARK: - Internals

    private func bootstrap(registry: ConnectionRegistry, tcp: Bool) -> ServerBootstrap {
        let handler = self.handler
        let idleTimeout = TimeAmount(self.idleTimeout)
        let configuration = FastCGIConnectionHandler.Configuration(
            limits: limits, requestTimeout: TimeAmount(requestTimeout), maximumConnections: maximumConnections)
        var bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var configuration = configuration
                    configuration.overloaded = !registry.add(channel)
                    channel.closeFuture.whenComplete { _ in registry.remove(channel) }
                    try channel.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(readTimeout: idleTimeout),
                        ByteToMessageHandler(FastCGIRecordDecoder()),
                        MessageToByteHandler(FastCGIRecordEncoder()),
                        FastCGIConnectionHandler(handler: handler, configuration: configuration),
                    ])
                }
            }
        if tcp {
            bootstrap = bootstrap
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
        }
        return bootstrap
    }

    /// Until cancelled: then stop accepting, let requests being handled be answered (within the
    /// grace period), close every connection.
    private func serve(_ channel: any Channel, registry: ConnectionRegistry) async {
        await withTaskCancellationHandler {
            try? await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        let connections = registry.all()
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(FastCGIShutdownEvent())
        }
        // NIO's timer, not Task.sleep: this task is already cancelled.
        let forced = channel.eventLoop.scheduleTask(in: TimeAmount(shutdownGracePeriod)) {
            for connection in registry.all() { connection.close(promise: nil) }
        }
        for connection in connections {
            try? await connection.closeFuture.get()
        }
        forced.cancel()
    }

    static func removeStaleSocket(at path: String) async throws {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            return  // nothing there
        }
        guard attributes[.type] as? FileAttributeType == .typeSocket else {
            throw FastCGIServerError.notASocket(path)
        }
        let probe = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(1))
            .connect(unixDomainSocketPath: path).get()
        if let probe {
            try? await probe.close()
            throw FastCGIServerError.socketInUse(path)
        }
        try FileManager.default.removeItem(atPath: path)
    }
}

public enum FastCGIServerError: Error, Equatable, CustomStringConvertible {
    /// The socket path exists and is not a socket: left alone.
    case notASocket(String)
    /// Another process listens on this socket.
    case socketInUse(String)

    public var description: String {
        switch self {
        case .notASocket(let path): return "\(path) exists and is not a socket; remove it or choose another path"
        case .socketInUse(let path): return "another process is listening on \(path)"
        }
    }
}

/// The open connections of one server: counted against the maximum, closed on shutdown.
private final class ConnectionRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var connections: [ObjectIdentifier: any Channel] = [:]
    private let maximum: Int

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Registers the connection; false when it is over the maximum.
    func add(_ channel: any Channel) -> Bool {
        lock.withLock {
            connections[ObjectIdentifier(channel)] = channel
            return connections.count <= maximum
        }
    }

    func remove(_ channel: any Channel) {
        lock.withLock { _ = connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func all() -> [any Channel] {
        lock.withLock { Array(connections.values) }
    }
}
