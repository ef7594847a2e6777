import CMicroHTTPDShim
import Testing

/// The shim's policy (cmhd_policy.h), called directly: what is charged, when a body is refused at
/// its headers, when a slow body is cut, when a connection pauses.
@Suite struct PolicyTests {
    private func limits(
        maxBody: UInt64 = 1000, budget: UInt64 = 0, perAddress: UInt64 = 0, rate: UInt64 = 0, gap: UInt32 = 10
    ) -> cmhd_limits {
        cmhd_limits(
            max_body_bytes: maxBody, memory_budget: budget, memory_budget_per_address: perAddress,
            min_body_rate: rate, max_body_gap: gap)
    }

    @Test func fitsComparesBesideWhatIsCharged() {
        #expect(cmhd_policy_fits(0, 100, 0))  // no limit
        #expect(cmhd_policy_fits(900, 100, 1000))
        #expect(!cmhd_policy_fits(901, 100, 1000))
        #expect(!cmhd_policy_fits(1200, 0, 1000))  // answers pushed it past the limit
        #expect(!cmhd_policy_fits(1, .max, 1000))  // no overflow
    }

    @Test func admissionRefusesOnlyWhatCanNeverFitOrAWaitingClientNow() {
        var budget = limits(budget: 10_000, perAddress: 5000)
        #expect(cmhd_policy_admit(&budget, 100, 40, false, 0, 0) == .CMHD_ADMITTED)
        #expect(cmhd_policy_admit(&budget, 200, 40, false, 0, 0) == .CMHD_NEVER_FITS)  // 8000 > 5000 per address
        #expect(cmhd_policy_admit(&budget, 100, .max, false, 0, 0) == .CMHD_NEVER_FITS)  // overflow
        // A client without Expect is charged as its bytes arrive: admitted even on a full budget.
        #expect(cmhd_policy_admit(&budget, 100, 40, false, 10_000, 5000) == .CMHD_ADMITTED)
        #expect(cmhd_policy_admit(&budget, 100, 40, true, 6001, 0) == .CMHD_OVER_BUDGET)
        #expect(cmhd_policy_admit(&budget, 100, 40, true, 0, 1001) == .CMHD_OVER_BUDGET)
        #expect(cmhd_policy_admit(&budget, 100, 40, true, 6000, 1000) == .CMHD_ADMITTED)
        // Past max_body_bytes, or no declared length: read (and refused or charged) as it arrives.
        #expect(cmhd_policy_admit(&budget, 5000, 40, true, 0, 0) == .CMHD_ADMITTED)
        #expect(cmhd_policy_admit(&budget, 0, 40, true, 10_000, 5000) == .CMHD_ADMITTED)
    }

    @Test func theBufferStartsSmallDoublesAndStopsAtItsCeiling() {
        #expect(cmhd_policy_buffer_capacity(0, 10, 1 << 30) == 65536)
        #expect(cmhd_policy_buffer_capacity(0, 10, 100) == 100)  // a declared length below 64 KiB
        #expect(cmhd_policy_buffer_capacity(65536, 65537, 1 << 30) == 131_072)
        #expect(cmhd_policy_buffer_capacity(65536, 300_000, 1 << 30) == 524_288)
        #expect(cmhd_policy_buffer_capacity(65536, 300_000, 400_000) == 400_000)
        #expect(cmhd_policy_buffer_capacity(65536, 500_000, 400_000) == 500_000)  // never below what it holds
        #expect(cmhd_policy_buffer_capacity(65536, 1000, 400_000) == 65536)
    }

    @Test func aWholeBodyIsChargedItsFactorNeverBelowItsBuffer() {
        #expect(cmhd_policy_decoding_charge(1000, 26, 65536) == 65536)
        #expect(cmhd_policy_decoding_charge(10000, 26, 65536) == 260_000)
        #expect(cmhd_policy_decoding_charge(.max / 2, 40, 0) == .max)
    }

    @Test func aBodyBelowTheRateIsCutOnlyAfterAWholeWindow() {
        var rule = limits(rate: 1000, gap: 10)
        var rate = cmhd_rate()
        let second: UInt64 = 1_000_000_000
        cmhd_policy_rate_restart(&rate, 0)
        #expect(cmhd_policy_rate_ok(&rate, &rule, 5 * second, 100))  // inside the first window
        #expect(!cmhd_policy_rate_ok(&rate, &rule, 10 * second, 100))  // 200 bytes in 10 s < 1000 B/s
        cmhd_policy_rate_restart(&rate, 0)
        #expect(cmhd_policy_rate_ok(&rate, &rule, 5 * second, 6000))
        #expect(cmhd_policy_rate_ok(&rate, &rule, 10 * second, 5000))  // 11000 in 10 s: a new window
        // A call more than a window after the last one: this thread (or the server) was busy.
        #expect(cmhd_policy_rate_ok(&rate, &rule, 25 * second, 1))
        // A pause the server made restarts the window: its time is not the client's.
        cmhd_policy_rate_restart(&rate, 100 * second)
        #expect(cmhd_policy_rate_ok(&rate, &rule, 105 * second, 1))
        var off = limits(rate: 0)
        #expect(cmhd_policy_rate_ok(&rate, &off, 1000 * second, 0))
    }

    @Test func aConsumerThatLeavesBytesPausesTheConnection() {
        #expect(cmhd_policy_after_chunk(100, 100) == .CMHD_STEP_CONTINUE)
        #expect(cmhd_policy_after_chunk(100, 99) == .CMHD_STEP_PAUSE)
        #expect(cmhd_policy_after_chunk(100, 0) == .CMHD_STEP_PAUSE)
        #expect(cmhd_policy_after_chunk(0, 0) == .CMHD_STEP_CONTINUE)
    }
}
