/// The headers phase's verdict, part of the route descriptor the application resolves once.
public enum Admission: Sendable {
    /// Refuse at once with this answer (the body is never read).
    case answer(HTTPResponse)
    /// Read the body whole, charging `memoryPerByte` bytes of the memory budget per body byte
    /// from when it is whole until it is answered (its buffer alone while it arrives); then
    /// `handler` answers it, or throws an `HTTPFailure`.
    case buffer(memoryPerByte: UInt64, handler: BodyHandler)
    /// Hand the body to this consumer chunk by chunk as it arrives (the body-chunk phase); it
    /// charges what it holds itself (`StreamControl.charge`) and answers after the last byte.
    case stream(any BodyStream)
}

/// Answers a whole body; a thrown `HTTPFailure` becomes its answer (any other error, a 500).
public typealias BodyHandler = @Sendable (RequestContext, UnsafeRawBufferPointer) throws -> HTTPResponse

/// A request's route, resolved once from its head: a bounded label for metrics and logs, and
/// what to do with the request.
public struct Resolution: Sendable {
    /// The route's metric label (a bounded set: the routes, and one catch-all).
    public var label: String
    /// Answer now, or read the body and hand it to a handler or a stream consumer.
    public var admission: Admission

    /// A resolved route.
    public init(label: String, admission: Admission) {
        self.label = label
        self.admission = admission
    }
}
