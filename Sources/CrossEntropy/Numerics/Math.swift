#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The natural logarithm under a name that methods called `log` can still reach.
func naturalLog(_ x: Double) -> Double { log(x) }
