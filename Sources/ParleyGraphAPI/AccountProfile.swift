import AsyncHTTPClient
import Foundation
import ParleyCloudAPI
import ParleyJSON

/// The business profile of one number on the platform: read it, upload a photo through the
/// resumable upload API, and update it.
public struct AccountProfile: Sendable {
    let client: HTTPClient
    let settings: CloudAPISettings

    public init(client: HTTPClient = .shared, settings: CloudAPISettings) {
        self.client = client
        self.settings = settings
    }

    static let fields = "about,address,description,email,profile_picture_url,websites,vertical"

    private func profileURL() throws -> String {
        guard let number = settings.phoneNumberID else { throw SyncError("set [cloud_api] phone_number_id: the number whose profile this is") }
        return "\(settings.baseURL)/\(settings.version)/\(number)/whatsapp_business_profile"
    }

    public func fetch() async throws -> Result<BusinessProfile, GraphAPIError> {
        let call = AccountCall(client: client, settings: settings)
        return await call.perform(.GET, try profileURL() + "?fields=" + Self.fields, token: try call.token(for: "read the profile"))
            .map(BusinessProfile.init)
    }

    /// Uploads `photo` (the file's bytes) and returns the handle the profile update takes:
    /// a session on the app (`POST /{app-id}/uploads`), then the bytes in one piece.
    public func upload(_ data: [UInt8], as photo: ProfilePhoto) async throws -> Result<String, GraphAPIError> {
        let call = AccountCall(client: client, settings: settings)
        let token = try call.token(for: "upload the profile photo")
        guard let app = settings.appID else { throw SyncError("set [cloud_api] app_id: the Meta app the photo is uploaded through") }
        let session = await call.perform(.POST, "\(settings.baseURL)/\(settings.version)/\(app)/uploads?file_length=\(data.count)&file_type=\(photo.mimeType)",
                                         body: nil, token: token)
        guard case .success(let opened) = session else { return session.map { _ in "" } }
        guard let id = opened["id"]?.stringValue else {
            return .failure(GraphAPIError(code: nil, message: "the upload session named no id: \(opened.encoded().prefix(200))"))
        }
        // The upload itself authorizes with `OAuth`, not `Bearer`, and starts at offset 0.
        let sent = await call.perform(.POST, "\(settings.baseURL)/\(settings.version)/\(id)", bytes: data, headers: [("file_offset", "0")],
                                      authorization: "OAuth \(token)")
        return sent.flatMap { answer in
            answer["h"]?.stringValue.map { .success($0) }
                ?? .failure(GraphAPIError(code: nil, message: "the upload answered no handle: \(answer.encoded().prefix(200))"))
        }
    }

    public func update(_ request: JSONValue) async throws -> Result<Void, GraphAPIError> {
        let call = AccountCall(client: client, settings: settings)
        return await call.perform(.POST, try profileURL(), body: request, token: try call.token(for: "update the profile")).map { _ in () }
    }
}
