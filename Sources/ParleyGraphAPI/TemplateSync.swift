import AsyncHTTPClient
import Foundation
import NIOCore
import ParleyCloudAPI
import ParleyPolicy

/// `GET /{version}/{waba-id}/message_templates`, page by page: the account's templates as
/// the platform holds them. Webhooks keep the catalog current between syncs.
public struct TemplateSync: Sendable {
    let client: HTTPClient
    let settings: CloudAPISettings
    /// Pages at most: a guard against a server that never stops paging.
    var maxPages = 1000

    public init(client: HTTPClient = .shared, settings: CloudAPISettings) {
        self.client = client
        self.settings = settings
    }

    public struct Result: Sendable {
        public var templates: [Template]
        /// Entries that could not be read, each naming the entry and the field.
        public var problems: [String]
        public var pages: Int
    }

    public func fetchAll() async throws -> Result {
        guard let token = settings.accessToken else { throw SyncError("set PARLEY_ACCESS_TOKEN to sync templates") }
        guard let waba = settings.wabaID else { throw SyncError("set [cloud_api] waba_id: the WhatsApp Business Account whose templates to sync") }
        var templates: [Template] = []
        var problems: [String] = []
        var after: String?
        for page in 1...maxPages {
            var url = "\(settings.baseURL)/\(settings.version)/\(waba)/message_templates?limit=100"
            if let after { url += "&after=\(after.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? after)" }
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeoutMilliseconds)))
            let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
            guard (200..<300).contains(response.status.code) else {
                throw SyncError("the Graph API answered \(response.status.code): \(GraphAPIError(body: body, httpStatus: Int(response.status.code)))")
            }
            let parsed: MessageTemplatesPage
            do {
                parsed = try MessageTemplatesPage(body: body, source: "message_templates page \(page)")
            } catch {
                throw SyncError(error.description)
            }
            templates += parsed.templates
            problems += parsed.problems.map(\.description)
            guard let next = parsed.nextCursor else { return Result(templates: templates, problems: problems, pages: page) }
            after = next
        }
        throw SyncError("more than \(maxPages) pages of templates; stopped")
    }
}

public struct SyncError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
