#if canImport(Glibc)
    @_exported import Glibc
#elseif canImport(Musl)
    @_exported import Musl
#elseif canImport(Darwin)
    @_exported import Darwin
#endif

/// The natural logarithm under a name that methods called `log` can still reach.
func naturalLog(_ x: Double) -> Double { log(x) }
