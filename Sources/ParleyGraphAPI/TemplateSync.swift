import AsyncHTTPClient
import Foundation
import NIOCore
import ParleyCloudAPI
import ParleyJSON
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
        var templates: [Template] = []
        var problems: [String] = []
        let pages = try await forEachPage { page, number in
            let parsed: MessageTemplatesPage
            do throws(TemplatesFileError) {
                parsed = try MessageTemplatesPage(json: page, source: "message_templates page \(number)")
            } catch {
                throw SyncError(error.description)
            }
            templates += parsed.templates
            problems += parsed.problems.map(\.description)
        }
        return Result(templates: templates, problems: problems, pages: pages)
    }

    /// Every template as the platform wrote it, drafts and rejected ones included, with
    /// `fields` (the Graph API's defaults when nil): what `parley templates status` lists.
    public func fetchEntries(fields: [String]? = nil) async throws -> [JSONValue] {
        var entries: [JSONValue] = []
        _ = try await forEachPage(fields: fields) { page, _ in entries += page["data"]?.arrayValue ?? [] }
        return entries
    }

    /// Pages through the account's templates; returns how many pages there were.
    private func forEachPage(fields: [String]? = nil, _ body: (JSONValue, Int) throws -> Void) async throws -> Int {
        guard let token = settings.accessToken else { throw SyncError("set PARLEY_ACCESS_TOKEN to read the account's templates") }
        guard let waba = settings.wabaID else { throw SyncError("set [cloud_api] waba_id: the WhatsApp Business Account whose templates to read") }
        var after: String?
        for number in 1...maxPages {
            var url = "\(settings.baseURL)/\(settings.version)/\(waba)/message_templates?limit=100"
            if let fields { url += "&fields=" + fields.joined(separator: ",") }
            if let after { url += "&after=\(after.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? after)" }
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeoutMilliseconds)))
            let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
            guard (200..<300).contains(response.status.code) else {
                throw SyncError("the Graph API answered \(response.status.code): \(GraphAPIError(body: text, httpStatus: Int(response.status.code)))")
            }
            guard let page = try? JSONValue.parse(text), page["data"]?.arrayValue != nil else {
                throw SyncError("message_templates page \(number) is not a page of templates: it has no \"data\" array")
            }
            try body(page, number)
            // Only `next` says there is more: the last page still carries an `after` cursor.
            guard page["paging"]?["next"]?.stringValue != nil, let next = page["paging"]?["cursors"]?["after"]?.stringValue else { return number }
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
