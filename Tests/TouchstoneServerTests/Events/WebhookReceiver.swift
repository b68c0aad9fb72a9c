import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP server on 127.0.0.1 standing in for another system: it records every request
/// it gets and answers as its script says (a status, a status after a pause, or dying with the
/// request unanswered). It can be killed and started again on the same port.
final class WebhookReceiver: @unchecked Sendable {
    /// What the receiver does with one request.
    enum Answer: Sendable {
        case status(Int)
        /// Answers after `seconds`.
        case slow(Int, seconds: Double)
        /// Closes every connection and stops listening, leaving the request unanswered.
        case die
    }

    struct Received: Sendable {
        let headers: [String: String]
        let body: String
        let at: Date
        /// The answer it got (nil: none, the receiver died).
        let status: Int?

        var eventID: String { headers["touchstone-event-id"] ?? "" }
    }

    // Invariant: the fields below are only read or written while holding `lock`.
    private let lock = NSLock()
    private var script: [Answer]
    private var otherwise: Answer
    private var received: [Received] = []
    private var channels: [any Channel] = []
    private var server: (any Channel)?
    private(set) var port: Int = 0

    /// - Parameters:
    ///   - script: the answers to the first requests, in order;
    ///   - otherwise: the answer to every later request.
    init(script: [Answer] = [], otherwise: Answer = .status(200)) {
        self.script = script
        self.otherwise = otherwise
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    var requests: [Received] { lock.withLock { received } }

    /// Starts listening (on `port` when it was started before, else on a free port).
    func start() async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                lock.withLock { channels.append(channel) }
                do {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(receiver: self))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        lock.withLock {
            server = channel
            port = channel.localAddress?.port ?? 0
        }
    }

    /// Changes the answers from now on.
    func answer(_ script: [Answer], otherwise: Answer) {
        lock.withLock {
            self.script = script
            self.otherwise = otherwise
        }
    }

    /// Stops listening and drops every connection.
    func kill() {
        let (server, channels) = lock.withLock { (self.server, self.channels) }
        for channel in channels { channel.close(promise: nil) }
        server?.close(promise: nil)
        lock.withLock {
            self.channels = []
            self.server = nil
        }
    }

    /// Waits (at most `seconds`) until `count` requests arrived.
    func waitFor(_ count: Int, seconds: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while requests.count < count && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    }

    fileprivate func next(headers: [String: String], body: String) -> Answer {
        lock.withLock {
            let answer = script.isEmpty ? otherwise : script.removeFirst()
            let status: Int? =
                switch answer {
                case .status(let code), .slow(let code, _): code
                case .die: nil
                }
            received.append(Received(headers: headers, body: body, at: Date(), status: status))
            return answer
        }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let receiver: WebhookReceiver
        var headers: [String: String] = [:]
        var body = ""

        init(receiver: WebhookReceiver) {
            self.receiver = receiver
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                headers = Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
                body = ""
            case .body(var buffer):
                body += buffer.readString(length: buffer.readableBytes) ?? ""
            case .end:
                switch receiver.next(headers: headers, body: body) {
                case .status(let code):
                    respond(context: context, status: code)
                case .slow(let code, let seconds):
                    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                        let (handler, context) = loopBound.value
                        handler.respond(context: context, status: code)
                    }
                case .die:
                    receiver.kill()
                }
            }
        }

        func respond(context: ChannelHandlerContext, status: Int) {
            var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
            head.headers.add(name: "Content-Length", value: "2")
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
