#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The logarithm base a loss is reported in. The document's examples are in bits (base 2).
public enum LogBase: Sendable, Hashable, CaseIterable {
    case two
    case e
    case ten

    /// The unit name of a loss in this base.
    public var unit: String {
        switch self {
        case .two: "bits"
        case .e: "nats"
        case .ten: "hartleys"
        }
    }

    /// ln(base).
    public var lnBase: Double {
        switch self {
        case .two: 0.693_147_180_559_945_3
        case .e: 1
        case .ten: 2.302_585_092_994_046
        }
    }

    /// log_base(x), using the C library's dedicated function so log2(0.7) is the same bits
    /// numpy.log2 gives.
    public func log(_ x: Double) -> Double {
        switch self {
        case .two: log2(x)
        case .e: naturalLog(x)
        case .ten: log10(x)
        }
    }

    /// Converts a natural-log value into this base.
    public func fromNats(_ x: Double) -> Double {
        self == .e ? x : x / lnBase
    }

    /// Converts x · 2^e nats into this base, as s · 2^e': the same bits as `fromNats` where that
    /// is finite, and finite where only the division by ln(base) < 1 overflows (a loss finite
    /// in nats but beyond float64 in bits), to be weighed by `ScaledSum` before it is formed.
    /// The significand of x divided by ln(base) rounds as x / ln(base) does.
    func fromNats(_ x: Double, exponent e: Int) -> (significand: Double, exponent: Int) {
        guard x.isFinite && x != 0 else { return (fromNats(x), 0) }
        if e == 0 {
            let plain = fromNats(x)
            if plain.isFinite { return (plain, 0) }
        }
        if self == .e { return (x, e) }
        let significand = Double(sign: x.sign, exponent: 0, significand: x.significand)
        return (significand / lnBase, x.exponent + e)
    }

    /// Converts a value in this base into bits.
    public func toBits(_ x: Double) -> Double {
        switch self {
        case .two: x
        case .e: x / LogBase.two.lnBase
        case .ten: x * 3.321_928_094_887_362_3  // log2(10)
        }
    }

    /// base^x: the perplexity of a loss x in this base.
    public func power(_ x: Double) -> Double {
        switch self {
        case .two: exp2(x)
        case .e: exp(x)
        case .ten: pow(10, x)
        }
    }

    /// base^(-x): the probability whose loss is x in this base.
    public func probability(ofLoss x: Double) -> Double {
        switch self {
        case .two: exp2(-x)
        case .e: exp(-x)
        case .ten: pow(10, -x)
        }
    }
}
