/// Seeded choices for the property tests' generators: the same inputs on every run.
protocol RandomChoosing {
    var random: SplitMix { get set }
}

extension RandomChoosing {
    /// A number in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    /// True `percent` times in 100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    /// One of `values`.
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}
