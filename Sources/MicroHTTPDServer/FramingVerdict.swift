import CMicroHTTPDShim
import HTTPTransport

/// Words the shim's framing findings as refusals (RFC 9112 §2.2, §3.2, §5.1, §5.2, §6.1, §6.3).
enum FramingVerdict {
    static func refusal(_ request: OpaquePointer) -> TransportRefusal? {
        switch cmhd_request_framing(request) {
        case .CMHD_FRAMING_OK:
            nil
        case .CMHD_FRAMING_BAD_HEADER_NAME:
            .malformedFraming("a header name holds whitespace or another character a field name cannot have")
        case .CMHD_FRAMING_REPEATED_CONTENT_LENGTH:
            .malformedFraming("the request has more than one Content-Length header")
        case .CMHD_FRAMING_BAD_CONTENT_LENGTH:
            .malformedFraming("Content-Length is not a decimal number of bytes")
        case .CMHD_FRAMING_REPEATED_TRANSFER_ENCODING:
            .malformedFraming("the request has more than one Transfer-Encoding header")
        case .CMHD_FRAMING_LENGTH_AND_ENCODING:
            .malformedFraming("the request has both Content-Length and Transfer-Encoding")
        case .CMHD_FRAMING_CHUNKED_NOT_LAST:
            .malformedFraming("Transfer-Encoding must end with chunked, once")
        case .CMHD_FRAMING_FOLDED_LINE:
            .malformedFraming("a header line starts with whitespace (obsolete line folding)")
        case .CMHD_FRAMING_STRAY_BYTE:
            .malformedFraming("the request line or a header holds a NUL byte or a bare CR")
        case .CMHD_FRAMING_NUL_IN_PATH:
            .malformedFraming("the path holds an encoded NUL byte (%00)")
        case .CMHD_FRAMING_MISSING_HOST:
            .malformedFraming("the request has no Host header (required in HTTP/1.1)")
        case .CMHD_FRAMING_REPEATED_HOST:
            .malformedFraming("the request has more than one Host header")
        case .CMHD_FRAMING_REPEATED_CONTENT_TYPE:
            .malformedFraming("the request has more than one Content-Type header")
        case .CMHD_FRAMING_REPEATED_CONTENT_ENCODING:
            .malformedFraming("the request has more than one Content-Encoding header")
        case .CMHD_FRAMING_UNKNOWN_CODING:
            .unsupportedTransferCoding(
                cmhd_request_header(request, "Transfer-Encoding").map { String(cString: $0) } ?? "")
        }
    }

}
