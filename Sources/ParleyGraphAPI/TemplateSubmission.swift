import AsyncHTTPClient
import Foundation
import NIOCore
import ParleyCloudAPI
import ParleyJSON

/// `POST /{version}/{waba-id}/message_templates`: a draft submitted for review. The
/// platform answers with the template's id, its status (`PENDING`, or `APPROVED` for some
/// utility templates at once) and the category it gave it.
public struct TemplateSubmission: Sendable {
    let client: HTTPClient
    let settings: CloudAPISettings

    /// How many templates the platform takes from one account in an hour.
    public static let perHour = 100

    public init(client: HTTPClient = .shared, settings: CloudAPISettings) {
        self.client = client
        self.settings = settings
    }

    public enum Outcome: Sendable, Equatable {
        case created(id: String, status: String, category: String?)
        case refused(GraphAPIError)
    }

    /// Where a draft is posted; `{waba-id}` when none is configured (for `--dry-run`).
    public var url: String {
        "\(settings.baseURL)/\(settings.version)/\(settings.wabaID ?? "{waba-id}")/message_templates"
    }

    public func submit(_ draft: JSONValue) async throws -> Outcome {
        guard let token = settings.accessToken else { throw SyncError("set PARLEY_ACCESS_TOKEN to submit templates") }
        guard settings.wabaID != nil else { throw SyncError("set [cloud_api] waba_id: the WhatsApp Business Account to submit templates to") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: draft.encoded()))
        let response: HTTPClientResponse
        let body: String
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeoutMilliseconds)))
            body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            return .refused(GraphAPIError(code: nil, message: "no answer from \(settings.baseURL): \(error)", isTimeout: true))
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else { return .refused(GraphAPIError(body: body, httpStatus: status)) }
        let answer = (try? JSONValue.parse(body)) ?? .null
        guard let id = answer["id"]?.textValue else {
            return .refused(GraphAPIError(code: nil, message: "the answer named no template id: \(body.prefix(200))", httpStatus: status))
        }
        return .created(id: id, status: answer["status"]?.stringValue ?? "PENDING", category: answer["category"]?.stringValue)
    }
}
