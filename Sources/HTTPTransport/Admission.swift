/// The headers phase's verdict.
///
/// Extension point: streamed bodies (JSON Lines) will be a third case, `.stream(...)`, whose
/// handler gets each chunk as it arrives and a final call; the transport's switch over this
/// enum is where chunk delivery plugs in. Today every admitted body is buffered whole.
public enum Admission: Sendable {
    /// Refuse at once with this answer.
    case answer(HTTPResponse)
    /// Read the body whole, charging `memoryPerByte` bytes of the memory budget per body byte
    /// from when it is whole until it is answered (its buffer alone while it arrives).
    case admit(memoryPerByte: UInt64)
}
