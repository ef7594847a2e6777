/// The `base` member: the number 2 or 10, or the string "e". Its meaning is checked in
/// validation (an unknown base is a 422); anything but a number or a string is a 400.
enum BaseField: Decodable, Sendable {
    case number(Double)
    case name(String)

    init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let number = try? value.decode(Double.self) {
            self = .number(number)
        } else if let name = try? value.decode(String.self) {
            self = .name(name)
        } else {
            throw DecodingError.typeMismatch(
                BaseField.self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "base must be 2, \"e\" or 10")
            )
        }
    }
}
