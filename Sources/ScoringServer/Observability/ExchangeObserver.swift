import HTTPTransport

/// Told of every finished exchange the service counts (metrics, the access log): it reads the
/// transport's record of the exchange itself.
public protocol ExchangeObserver: Sendable {
    func observe(_ exchange: FinishedExchange)
}

extension FinishedExchange {
    /// The answer's status; 0 when the connection was closed without one.
    var status: Int {
        if case .answered(let response) = outcome { return response.status }
        return 0
    }

    /// Answer body bytes; 0 when closed without an answer.
    var bytesOut: Int {
        if case .answered(let response) = outcome { return response.body.count }
        return 0
    }

    /// The failure an error answer was made from.
    var failure: (any HTTPFailure)? {
        if case .answered(let response) = outcome { return response.failure }
        return nil
    }

    /// What a scored /cce or /bce answer says of its request.
    var scored: ScoredRequest? {
        if case .answered(let response) = outcome { return response.scored }
        return nil
    }

    /// Why the connection was closed without an answer, if it was.
    var closed: CloseReason? {
        if case .closed(let reason) = outcome { return reason }
        return nil
    }
}
