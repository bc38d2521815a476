import Gateway
import NIOCore

/// Sent down a connection's pipeline when the server stops: close now if no request is being
/// handled, else right after its response.
struct FastCGIShutdownEvent: Sendable {}

/// One FastCGI connection: the responder side of FastCGI 1.0, one request at a time
/// (`FCGI_MPXS_CONNS` is 0).
///
/// A request goes `BEGIN_REQUEST` → `PARAMS`… empty `PARAMS` → `STDIN`… empty `STDIN` → handler
/// → `STDOUT` (CGI response format)… empty `STDOUT` → `END_REQUEST`. Everything runs on the
/// channel's event loop; the handler answers from its own threads (`handle(_:completion:)`: a
/// task, or the queue's writer for a stored submission) and the answer hops back to the loop
/// through a promise, where it is written only if the request is still the one it answers (not
/// aborted, not closed).
final class FastCGIConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = FastCGIRecord
    typealias OutboundOut = FastCGIRecord

    struct Configuration: Sendable {
        var limits: GatewayLimits
        /// Time from `BEGIN_REQUEST` to the end of `STDIN` (against clients that send slowly
        /// but never stop); the idle timeout itself is `IdleStateHandler`'s, earlier in the pipeline.
        var requestTimeout: TimeAmount
        /// Announced as `FCGI_MAX_CONNS` and `FCGI_MAX_REQS`.
        var maximumConnections: Int
        /// This connection is one too many: every request is answered `FCGI_OVERLOADED`.
        var overloaded = false
    }

    /// `appStatus` of the `END_REQUEST` that answers `FCGI_ABORT_REQUEST`.
    static let abortedAppStatus: UInt32 = 1

    private struct ActiveRequest {
        var id: UInt16
        var keepConnection: Bool
    }

    private enum State {
        case idle
        case readingParameters(ActiveRequest, parameters: ByteBuffer)
        case readingBody(ActiveRequest, environment: [String: String], body: [UInt8])
        /// Answered already (a refusal): the rest of its PARAMS and STDIN is read and dropped,
        /// so that closing does not reset a connection the client is still writing to.
        case discarding(ActiveRequest, discarded: Int)
        case handling(ActiveRequest, generation: UInt64)
        case closing
    }

    private let handler: any GatewayHandler
    private let configuration: Configuration
    private var state = State.idle
    /// Tells a handler's late answer from the answer to the current request.
    private var generation: UInt64 = 0
    /// Input closed by the peer, or the server is stopping: no request after the current one.
    private var noMoreRequests = false
    private var requestDeadline: Scheduled<Void>?

    init(handler: any GatewayHandler, configuration: Configuration) {
        self.handler = handler
        self.configuration = configuration
    }

    private var limits: GatewayLimits { configuration.limits }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let record = Self.unwrapInboundIn(data)
        if case .closing = state { return }
        if record.requestID == 0 {
            management(context: context, record: record)
            return
        }
        switch record.type {
        case .beginRequest: beginRequest(context: context, record: record)
        case .abortRequest: abortRequest(context: context, record: record)
        case .params: parameters(context: context, record: record)
        case .stdin: standardInput(context: context, record: record)
        default: break  // FCGI_DATA (filter role) or a type a client never sends: ignored.
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            // Nothing read for the idle timeout: close, unless the handler is at work.
            if case .handling = state { return }
            close(context: context)
        } else if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            stopAfterCurrentRequest(context: context)
        } else if event is FastCGIShutdownEvent {
            stopAfterCurrentRequest(context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A malformed record (wrong version…) or an I/O error: this connection only.
        close(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closing
        cancelDeadline()
        context.fireChannelInactive()
    }

    // MARK: - Records

    private func beginRequest(context: ChannelHandlerContext, record: FastCGIRecord) {
        var content = record.content
        guard content.readableBytes >= 8, let role = content.readInteger(as: UInt16.self),
              let flags = content.readInteger(as: UInt8.self)
        else {
            close(context: context)
            return
        }
        let request = ActiveRequest(id: record.requestID,
                                    keepConnection: flags & FastCGIRecord.keepConnectionFlag != 0)
        if let active = activeRequest {
            // One request at a time. A BEGIN_REQUEST repeating the active id is a client bug: ignored.
            if active.id != request.id {
                context.writeAndFlush(Self.wrapOutboundOut(
                    .endRequest(requestID: request.id, protocolStatus: .cantMultiplexConnection)), promise: nil)
            }
            return
        }
        if configuration.overloaded {
            let written = context.writeAndFlush(Self.wrapOutboundOut(
                .endRequest(requestID: request.id, protocolStatus: .overloaded)))
            close(context: context, after: written)
            return
        }
        guard role == FastCGIRole.responder.rawValue else {
            let written = context.writeAndFlush(Self.wrapOutboundOut(
                .endRequest(requestID: request.id, protocolStatus: .unknownRole)))
            state = .idle
            if !request.keepConnection || noMoreRequests { close(context: context, after: written) }
            return
        }
        state = .readingParameters(request, parameters: ByteBuffer())
        scheduleDeadline(context: context)
    }

    private func parameters(context: ChannelHandlerContext, record: FastCGIRecord) {
        switch state {
        case .readingParameters(let request, var parameters) where request.id == record.requestID:
            if record.content.readableBytes == 0 {
                endOfParameters(context: context, request: request, parameters: parameters)
                return
            }
            guard parameters.readableBytes + record.content.readableBytes <= limits.maximumParametersSize else {
                refuse(context: context, request: request, reason: .malformed, requestComplete: false)
                return
            }
            state = .idle  // no second reference while the buffer grows
            var content = record.content
            parameters.writeBuffer(&content)
            state = .readingParameters(request, parameters: parameters)
        case .discarding(let request, let discarded) where request.id == record.requestID:
            discard(context: context, request: request, discarded: discarded, record: record)
        default:
            break  // not the active request (ended, refused, or never begun): ignored, as §3.3 says.
        }
    }

    private func endOfParameters(context: ChannelHandlerContext, request: ActiveRequest, parameters: ByteBuffer) {
        let environment: [String: String]
        do {
            environment = try FastCGINameValuePairs.decodeEnvironment(parameters)
        } catch {
            refuse(context: context, request: request, reason: .malformed, requestComplete: false)
            return
        }
        // A declared length over the limit is refused before a byte of the body is read.
        var expected = 0
        switch CGIAdapter.contentLength(in: environment, limits: limits) {
        case .failure(let refusal):
            refuse(context: context, request: request, reason: refusal, requestComplete: false)
            return
        case .success(let length):
            expected = length ?? 0
        }
        var body: [UInt8] = []
        body.reserveCapacity(min(expected, 1 << 20))
        state = .readingBody(request, environment: environment, body: body)
    }

    private func standardInput(context: ChannelHandlerContext, record: FastCGIRecord) {
        switch state {
        case .readingBody(let request, let environment, var body) where request.id == record.requestID:
            let length = record.content.readableBytes
            if length == 0 {
                cancelDeadline()
                switch CGIAdapter.request(environment: environment, body: body, limits: limits) {
                case .success(let gatewayRequest):
                    startHandling(context: context, request: request, gatewayRequest: gatewayRequest)
                case .failure(let refusal):
                    refuse(context: context, request: request, reason: refusal, requestComplete: true)
                }
                return
            }
            guard body.count + length <= limits.maximumBodySize else {
                refuse(context: context, request: request, reason: .bodyTooLarge, requestComplete: false)
                if case .discarding(let request, let discarded) = state {
                    state = .discarding(request, discarded: discarded + length)
                }
                return
            }
            state = .idle  // no second reference while the array grows
            body += record.content.readableBytesView
            state = .readingBody(request, environment: environment, body: body)
        case .readingParameters(let request, _) where request.id == record.requestID:
            // STDIN before the end of PARAMS.
            refuse(context: context, request: request, reason: .malformed, requestComplete: false)
            if case .discarding(let request, let discarded) = state {
                discard(context: context, request: request, discarded: discarded, record: record)
            }
        case .discarding(let request, let discarded) where request.id == record.requestID:
            discard(context: context, request: request, discarded: discarded, record: record)
        default:
            break
        }
    }

    private func abortRequest(context: ChannelHandlerContext, record: FastCGIRecord) {
        guard let request = activeRequest, request.id == record.requestID else { return }
        // Whatever the handler answers later finds another state and is dropped.
        let written = context.writeAndFlush(Self.wrapOutboundOut(
            .endRequest(requestID: request.id, appStatus: Self.abortedAppStatus)))
        finish(context: context, request: request, written: written)
    }

    private func management(context: ChannelHandlerContext, record: FastCGIRecord) {
        guard record.type == .getValues else {
            context.writeAndFlush(Self.wrapOutboundOut(.unknownType(record.type)), promise: nil)
            return
        }
        guard let asked = try? FastCGINameValuePairs.decode(record.content) else {
            close(context: context)
            return
        }
        let known = [
            "FCGI_MAX_CONNS": String(configuration.maximumConnections),
            "FCGI_MAX_REQS": String(configuration.maximumConnections),
            "FCGI_MPXS_CONNS": "0",
        ]
        var answered = Set<String>()
        var result: [(name: String, value: String)] = []
        for (name, _) in asked {
            if let value = known[name], answered.insert(name).inserted { result.append((name, value)) }
        }
        var content = ByteBuffer()
        FastCGINameValuePairs.encode(result, into: &content)
        context.writeAndFlush(Self.wrapOutboundOut(
            FastCGIRecord(type: .getValuesResult, requestID: 0, content: content)), promise: nil)
    }

    // MARK: - Handling and answering

    private func startHandling(context: ChannelHandlerContext, request: ActiveRequest, gatewayRequest: GatewayRequest) {
        generation &+= 1
        let generation = generation
        state = .handling(request, generation: generation)
        // The handler answers from whatever thread it finishes on (a form submission: the
        // queue's writer, right after the COMMIT); the promise brings the answer back here.
        let answered = context.eventLoop.makePromise(of: GatewayResponse.self)
        handler.handle(gatewayRequest) { answered.succeed($0) }
        answered.futureResult.assumeIsolated().whenSuccess { response in
            self.handlerAnswered(context: context, generation: generation, response: response)
        }
    }

    private func handlerAnswered(context: ChannelHandlerContext, generation: UInt64, response: GatewayResponse) {
        guard case .handling(let request, let current) = state, current == generation else { return }
        let written = writeResponse(context: context, requestID: request.id, response: response)
        finish(context: context, request: request, written: written)
    }

    /// Answers with the handler's refusal page. If the client has not finished sending the
    /// request, what it still sends is read and dropped (`discarding`).
    private func refuse(context: ChannelHandlerContext, request: ActiveRequest, reason: TransportRefusal,
                        requestComplete: Bool) {
        let written = writeResponse(context: context, requestID: request.id, response: handler.refuse(reason))
        if requestComplete {
            finish(context: context, request: request, written: written)
        } else {
            state = .discarding(request, discarded: 0)
        }
    }

    private func discard(context: ChannelHandlerContext, request: ActiveRequest, discarded: Int, record: FastCGIRecord) {
        if record.type == .stdin && record.content.readableBytes == 0 {
            finish(context: context, request: request, written: context.eventLoop.makeSucceededVoidFuture())
            return
        }
        let total = discarded + record.content.readableBytes
        if total > limits.maximumBodySize + limits.maximumParametersSize {
            close(context: context)
        } else {
            state = .discarding(request, discarded: total)
        }
    }

    private func writeResponse(context: ChannelHandlerContext, requestID: UInt16,
                               response: GatewayResponse) -> EventLoopFuture<Void> {
        for record in FastCGIRecord.stream(.stdout, requestID: requestID, bytes: CGIAdapter.serialize(response)) {
            context.write(Self.wrapOutboundOut(record), promise: nil)
        }
        return context.writeAndFlush(Self.wrapOutboundOut(.endRequest(requestID: requestID)))
    }

    /// The request is over: wait for the next one, or close once `written` is on the wire.
    private func finish(context: ChannelHandlerContext, request: ActiveRequest, written: EventLoopFuture<Void>) {
        cancelDeadline()
        if request.keepConnection && !noMoreRequests {
            state = .idle
        } else {
            close(context: context, after: written)
        }
    }

    private func stopAfterCurrentRequest(context: ChannelHandlerContext) {
        noMoreRequests = true
        if case .handling = state { return }
        close(context: context)
    }

    // MARK: - Closing and deadlines

    private var activeRequest: ActiveRequest? {
        switch state {
        case .readingParameters(let request, _), .readingBody(let request, _, _), .handling(let request, _):
            return request
        case .idle, .discarding, .closing:
            return nil
        }
    }

    private func close(context: ChannelHandlerContext) {
        close(context: context, after: context.eventLoop.makeSucceededVoidFuture())
    }

    private func close(context: ChannelHandlerContext, after written: EventLoopFuture<Void>) {
        if case .closing = state { return }
        state = .closing
        cancelDeadline()
        written.assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func scheduleDeadline(context: ChannelHandlerContext) {
        cancelDeadline()
        requestDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: configuration.requestTimeout) {
            switch self.state {
            case .readingParameters, .readingBody, .discarding: self.close(context: context)
            case .idle, .handling, .closing: break
            }
        }
    }

    private func cancelDeadline() {
        requestDeadline?.cancel()
        requestDeadline = nil
    }
}
