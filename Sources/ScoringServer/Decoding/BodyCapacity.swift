#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How many numbers a body can hold, so that no buffer is reserved from counts a client made up.
///
/// A matrix's first row and its row count come from the request; their product is not a size
/// anyone sent (a 310 KB body with a first row of 77,000 values and 52,000 empty rows asked for
/// 32 GB). Every JSON number takes at least one byte and a separator, so a body of B bytes holds
/// at most B/2 + 1 of them: reservations are capped at that, with overflow-checked products.
enum BodyCapacity {
    /// The `JSONDecoder.userInfo` key under which `JSONBody` stores the body's size in bytes.
    static let key = CodingUserInfoKey(rawValue: "cross-entropy-service.body-bytes")

    /// The most numbers the body being decoded can hold (0 when its size is unknown).
    static func numbers(in decoder: any Decoder) -> Int {
        guard let key, let bytes = decoder.userInfo[key] as? Int, bytes > 0 else { return 0 }
        return bytes / 2 + 1
    }

    /// rows × columns, or less when the body cannot hold that many numbers.
    static func reservation(rows: Int, columns: Int, in decoder: any Decoder) -> Int {
        let (product, overflow) = rows.multipliedReportingOverflow(by: columns)
        // A few thousand numbers are reserved as asked without looking the body's size up (a
        // userInfo look-up costs more than the small request it would guard).
        if !overflow && product >= 0 && product <= smallReservation { return product }
        return min(overflow ? Int.max : max(product, 0), numbers(in: decoder))
    }

    /// Reservations up to this many numbers (32 KiB) need no bound.
    static let smallReservation = 4096
}
