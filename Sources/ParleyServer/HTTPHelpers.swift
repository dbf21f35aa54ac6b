import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParleyJSON

/// JSON in and out of the HTTP handlers.
enum HTTP {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.encoded() + "\n")))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An error answer, in the shape every error answer has (see `Problem`).
    static func problem(_ status: HTTPResponse.Status, _ error: String, fix: String) -> Response {
        Problem(status, error, fix: fix).response
    }

    /// The request body as JSON, `{}` when empty; a `Problem` when it is not JSON or is over
    /// `limit` bytes.
    static func body(_ request: inout Request, limit: Int) async throws -> JSONValue {
        let bytes = try await collect(&request, upTo: limit) {
            Problem(.contentTooLarge, "the body is over \(limit >> 10) KiB, the most this call takes", fix: "send a smaller body")
        }
        if bytes.isEmpty { return .object([:]) }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw Problem(.badRequest, "the body is not JSON: \(error)", fix: "send a JSON object, as the agent API's table in the README shows")
        }
    }

    /// The request body's bytes, or `tooLarge()` thrown when there are more than `limit`.
    static func collect(_ request: inout Request, upTo limit: Int, tooLarge: () -> Problem) async throws -> [UInt8] {
        do {
            return Array(try await request.collectBody(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        }
    }
}

/// An error answer: `{"error": "what is wrong", "fix": "what to do about it"}`, as JSON. Every
/// error the server answers has this shape, whoever raised it (see `ProblemShape`), so a
/// client reads one shape, and a person reading it learns what to change.
struct Problem: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let error: String
    let fix: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ error: String, fix: String) {
        self.status = status
        self.error = error
        self.fix = fix
    }

    var response: Response {
        var response = HTTP.json(["error": .string(error), "fix": .string(fix)], status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }
}

/// Gives every error that leaves a handler the shape of a `Problem`: those Hummingbird raises
/// (no such route, a path parameter missing) and unexpected ones (a 500, logged), which it
/// would otherwise answer with a shape of its own or none.
struct ProblemShape: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response
        } catch let error as any HTTPResponseError {
            let hummingbird = error as? HTTPError
            let message = hummingbird?.body ?? "\(request.method) \(request.uri.path): \(error.status.reasonPhrase)"
            var problem = Problem(error.status, message, fix: "see the README's `parley serve` section for the routes and what each takes")
            problem.headers = hummingbird?.headers ?? [:]
            return problem.response
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            return HTTP.problem(.internalServerError, "the server could not answer", fix: "try again; the server's log says why")
        }
    }
}
