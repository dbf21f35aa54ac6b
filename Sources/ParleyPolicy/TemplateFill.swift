/// The values of one send placed on the template's components, as the platform takes them:
/// what the request body carries and the transcript shows. The policy has checked the
/// values against the template before anything is filled.
public struct TemplateFill: Sendable, Equatable {
    public enum ButtonParameter: Sendable, Equatable {
        case urlSuffix(String)
        case payload(String)
        case couponCode(String)
        /// A one-time-password button is a URL button on the wire, whose suffix is the password.
        case password(String)

        public var value: String {
            switch self {
            case .urlSuffix(let v), .payload(let v), .couponCode(let v), .password(let v): return v
            }
        }
    }

    public struct Button: Sendable, Equatable {
        /// Among the template's buttons, from 0.
        public var index: Int
        public var parameter: ButtonParameter
    }

    public var header: TemplateHeaderValue
    public var body: TemplateArguments
    /// In index order; a button given nothing is absent.
    public var buttons: [Button]
}

extension TemplateRequest {
    /// The request's values on `template`'s components. The template tells a password's
    /// button from a coupon's and says where `code` goes; without it, each button value goes
    /// as its kind names it and `code` fills the body alone.
    public func filled(for template: Template?) -> TemplateFill {
        var buttons = self.buttons.map { value -> TemplateFill.Button in
            let isPassword = template?.buttons.indices.contains(value.index) == true && template?.buttons[value.index].type == "OTP"
            let parameter: TemplateFill.ButtonParameter = switch value.kind {
            case .url: .urlSuffix(value.value)
            case .payload: .payload(value.value)
            case .code: isPassword ? .password(value.value) : .couponCode(value.value)
            }
            return TemplateFill.Button(index: value.index, parameter: parameter)
        }
        if let code, let index = template?.passwordButton?.index, !buttons.contains(where: { $0.index == index }) {
            buttons.append(TemplateFill.Button(index: index, parameter: .password(code)))
        }
        return TemplateFill(header: header, body: bodyArguments, buttons: buttons.sorted { $0.index < $1.index })
    }
}
