import AsyncHTTPClient
import Foundation
import ParleyCloudAPI
import ParleyJSON

/// `POST /{version}/{waba-id}/message_templates`: a draft submitted for review. The
/// platform answers with the template's id, its status (`PENDING`, or `APPROVED` for some
/// utility templates at once) and the category it gave it. `DELETE` on the same path
/// removes a template.
public struct AccountTemplates: Sendable {
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
        let call = AccountCall(client: client, settings: settings)
        let token = try call.token(for: "submit templates")
        guard settings.wabaID != nil else { throw SyncError("set [cloud_api] waba_id: the WhatsApp Business Account to submit templates to") }
        switch await call.perform(.POST, url, body: draft, token: token) {
        case .failure(let error):
            return .refused(error)
        case .success(let answer):
            guard let id = answer["id"]?.textValue else {
                return .refused(GraphAPIError(code: nil, message: "the answer named no template id: \(answer.encoded().prefix(200))"))
            }
            return .created(id: id, status: answer["status"]?.stringValue ?? "PENDING", category: answer["category"]?.stringValue)
        }
    }

    /// Deletes `name` in every language, or with `id` the one template with that id (the
    /// platform asks for the name with it).
    public func delete(name: String, id: String? = nil) async throws -> Result<Void, GraphAPIError> {
        let call = AccountCall(client: client, settings: settings)
        let token = try call.token(for: "delete templates")
        guard settings.wabaID != nil else { throw SyncError("set [cloud_api] waba_id: the WhatsApp Business Account whose template to delete") }
        var query = "name=" + (name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? name)
        if let id { query += "&hsm_id=" + (id.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? id) }
        return await call.perform(.DELETE, url + "?" + query, token: token).map { _ in () }
    }
}
