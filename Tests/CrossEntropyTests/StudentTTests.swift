import Foundation
import TestSupport
import Testing

@testable import CrossEntropy

/// The t distribution against scipy (t.ppf, t.sf: Boost's incomplete beta) and closed forms.
@Suite struct StudentTTests {
    @Test func criticalValuesMatchScipy() {
        let quantiles = UncertaintyVectors.file.quantiles
        #expect(quantiles.count >= 200)
        for q in quantiles {
            // Beyond ν = 10^6 the continued fraction's terms cancel near x = 1 at the far
            // quantiles (c ≥ 0.999): 1e-11 there, where t differs from the normal's by 1e-7.
            let tolerance = q.df > 1e6 ? 1e-10 : 1e-12
            let critical = StudentT.twoSidedCritical(confidence: q.confidence, degreesOfFreedom: q.df)
            #expect(isClose(critical, q.critical, relative: tolerance), "df \(q.df), c \(q.confidence): \(critical)")
            // The quantile function gives the same number.
            let quantile = StudentT.quantile(1 - (1 - q.confidence) / 2, degreesOfFreedom: q.df)
            #expect(isClose(quantile, q.critical, relative: tolerance), "quantile df \(q.df), c \(q.confidence)")
        }
    }

    @Test func tailsMatchScipyDownTo1e300() {
        let tails = UncertaintyVectors.file.tails
        #expect(tails.contains { $0.sf < 1e-290 })
        for tail in tails {
            let sf = StudentT.survival(tail.t, degreesOfFreedom: tail.df)
            #expect(isClose(sf, tail.sf, relative: 1e-12), "df \(tail.df), t \(tail.t): \(sf) vs \(tail.sf)")
            let cdf = StudentT.distribution(-tail.t, degreesOfFreedom: tail.df)
            #expect(isClose(cdf, tail.cdf, relative: 1e-12), "cdf df \(tail.df), t \(-tail.t)")
            #expect(isClose(StudentT.twoSidedPValue(tail.t, degreesOfFreedom: tail.df), 2 * tail.sf, relative: 1e-12))
        }
    }

    @Test func logPValuesBeyondFloat64FollowTheClosedForm() {
        // ν = 1 is Cauchy: P(|T| ≥ t) = 1 − (2/π) atan t ≈ 2/(π t) − 2/(3π t³) for large t.
        for t in [1e200, 1e305, 1e308] {
            let expected = log(2 / Double.pi) - log(t)
            #expect(isClose(StudentT.logTwoSidedPValue(t, degreesOfFreedom: 1), expected, relative: 1e-14))
        }
        // ν = 2: P(|T| ≥ t) = 1 − t/√(2 + t²) ≈ 1/t² for large t, so log p = −2 log t.
        #expect(isClose(StudentT.logTwoSidedPValue(1e200, degreesOfFreedom: 2), -2 * log(1e200), relative: 1e-14))
        #expect(StudentT.twoSidedPValue(1e200, degreesOfFreedom: 2) == 0)
    }

    @Test func criticalValuesInvertThePValueEverywhere() {
        // Confidences and degrees of freedom a client may send, far beyond scipy's grid: each
        // critical value is finite, grows with c, and gives back 1 − c as its p-value.
        for nu in [1.0, 2, 7, 50, 1e3, 1e5, 1e7, 1e9] {
            var previous = -1.0
            for c in [1e-12, 0.1, 0.5, 0.95, 0.999999, 1 - 1e-12, 1 - 1e-15] {
                let t = StudentT.twoSidedCritical(confidence: c, degreesOfFreedom: nu)
                #expect(t.isFinite && t > previous, "ν \(nu), c \(c): \(t)")
                previous = t
                let p = StudentT.twoSidedPValue(t, degreesOfFreedom: nu)
                let alpha = 2 * (1 - (1 - (1 - c) / 2))  // the tail the quantile was asked for
                #expect(isClose(p, alpha, relative: 1e-9), "ν \(nu), c \(c): p \(p) vs \(alpha)")
            }
        }
    }

    @Test func closedFormsAndEdges() {
        // ν = 1: t(0.975) = tan(0.45π); ν = 2: t = √(2/(α(2−α)) − 2) with tail α... checked by inversion.
        #expect(
            isClose(
                StudentT.twoSidedCritical(confidence: 0.95, degreesOfFreedom: 1), tan(0.475 * Double.pi),
                relative: 1e-13))
        #expect(StudentT.survival(0, degreesOfFreedom: 5) == 0.5)
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 5) == 0)
        #expect(StudentT.quantile(0.025, degreesOfFreedom: 10) == -StudentT.quantile(0.975, degreesOfFreedom: 10))
        #expect(StudentT.twoSidedCritical(confidence: 1, degreesOfFreedom: 5).isNaN)
        #expect(StudentT.twoSidedCritical(confidence: 0.95, degreesOfFreedom: 0).isNaN)
        #expect(StudentT.survival(.infinity, degreesOfFreedom: 3) == 0)
        // Round trip through the inverse incomplete beta.
        for (a, b, p) in [(2.5, 0.5, 1e-9), (0.5, 40.0, 0.3), (3.0, 4.0, 0.999), (100.0, 0.5, 0.5)] {
            let (x, _) = IncompleteBeta.inverse(p: p, q: 1 - p, a: a, b: b)
            #expect(isClose(IncompleteBeta.regularized(x, a: a, b: b), p, relative: 1e-13), "\(a) \(b) \(p)")
        }
    }

    /// A confidence within 2⁻⁵³ of 1 still has a finite critical value: 1 − (1 − c)/2 rounds to
    /// 1 there, so the tail 1 − c is used as it is (an interval, not a missing one).
    @Test func confidencesNextToOneKeepAFiniteCriticalValue() {
        let c = 1.0.nextDown  // 0.9999999999999999
        let t = StudentT.twoSidedCritical(confidence: c, degreesOfFreedom: 99_999)
        #expect(t.isFinite && t > 8)
        #expect(isClose(StudentT.twoSidedPValue(t, degreesOfFreedom: 99_999), 1 - c, relative: 1e-9))
    }
}
