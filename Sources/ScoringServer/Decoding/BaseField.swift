/// The `base` member: the number 2 or 10, or the string "e". Its meaning is checked in
/// validation (an unknown base is a 422); anything but a number or a string is a 400, and so is
/// a string that cannot be read.
enum BaseField: Decodable, Sendable {
    case number(Double)
    case name(String)

    init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let number = try? value.decode(Double.self) {
            self = .number(number)
            return
        }
        do {
            self = .name(try value.decodeString())
        } catch let error as UnreadableString {
            throw error
        } catch {
            throw DecodingError.typeMismatch(
                BaseField.self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "base must be 2, \"e\" or 10")
            )
        }
    }
}
