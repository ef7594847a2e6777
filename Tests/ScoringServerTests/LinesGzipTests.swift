import CZlib
import Dispatch
import Foundation
import HTTPTransport
import TestSupport
import Testing

@testable import ScoringServer

/// gzip-coded streams: concatenated members, bombs, corrupt and cut data.
@Suite struct LinesGzipTests {
    /// One gzip member of `bytes` (zlib's deflate with a gzip wrapper).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        #expect(
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                #expect(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[..<produced])
    }

    private static func stream(
        gzip: Bool = true, maxLineBytes: Int = 1 << 20, bytesPerTake: Int = 1 << 20,
        inflatedBytesPerSecond: Int = 128 << 20
    ) throws -> LinesStream {
        let options = try LineOptions.parse(query: nil, kind: .cce).get()
        return LinesStream(
            kind: .cce, options: options,
            limits: LineLimits(
                maxLineBytes: maxLineBytes, batchBytes: 4096, batchesInFlight: 3, bytesPerTake: bytesPerTake,
                inflatedBytesPerSecond: inflatedBytesPerSecond),
            scoringLimits: .default, metrics: nil, gzip: gzip)
    }

    /// Offers `body` in `chunk`-byte pieces as the transport does (the rest of a piece again
    /// after a partial take), recording the bytes each call inflated and framed.
    private static func inflatedPerTake(
        _ stream: LinesStream, _ body: [UInt8], chunk: Int, control: TestStreamControl
    ) throws -> (response: HTTPResponse, most: UInt64, calls: Int) {
        var offset = 0
        var most: UInt64 = 0
        var calls = 0
        while offset < body.count {
            let end = min(body.count, offset + chunk)
            let before = stream.framedBytes
            let took = body.withUnsafeBytes {
                stream.take(UnsafeRawBufferPointer(rebasing: $0[offset..<end]), control: control.control)
            }
            calls += 1
            most = max(most, stream.framedBytes - before)
            if took < end - offset {
                #expect(control.resumed.wait(timeout: .now() + 60) == .success)
            }
            offset += took
        }
        let response = try #require(drive(stream, [], chunks: [1], control: control))
        return (response, most, calls)
    }

    @Test func aBombOfBlankLinesIsInflatedAPiecePerChunkTakenAndHoldsNothing() throws {
        // 8 MiB of blank lines gzip to about 8 KB (1,000 to 1).
        let blank = [UInt8](repeating: UInt8(ascii: "\n"), count: 8 << 20)
        let bomb = Self.gzip(blank)
        #expect(bomb.count < 16 << 10)
        let control = TestStreamControl()
        let perTake = 64 << 10
        let stream = try Self.stream(bytesPerTake: perTake)
        let (response, most, calls) = try Self.inflatedPerTake(stream, bomb, chunk: 32768, control: control)
        #expect(response.status == 422)  // no lines
        #expect(stream.framedBytes == UInt64(blank.count))
        #expect(most <= UInt64(perTake + GzipInflater.pieceBytes))
        #expect(calls >= blank.count / (perTake + GzipInflater.pieceBytes))
        // Nothing but the bytes one call may add is ever charged: blank lines are not held.
        #expect(control.peakCharge <= UInt64(perTake + GzipInflater.pieceBytes))
        #expect(control.chargedNow == 0)
    }

    /// The inflate rate: 4 MiB of blank lines at 1 MiB a second cannot be framed in less than the
    /// three seconds that follow the first (a lower bound only: a slow machine takes longer).
    @Test func inflatingIsBoundedPerSecond() throws {
        let blank = [UInt8](repeating: UInt8(ascii: "\n"), count: 4 << 20)
        let control = TestStreamControl()
        let stream = try Self.stream(bytesPerTake: 64 << 10, inflatedBytesPerSecond: 1 << 20)
        let started = DispatchTime.now().uptimeNanoseconds
        let (response, most, _) = try Self.inflatedPerTake(stream, Self.gzip(blank), chunk: 32768, control: control)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        #expect(response.status == 422)  // no lines
        #expect(stream.framedBytes == UInt64(blank.count))
        #expect(seconds >= 2.9, "\(seconds) s")
        #expect(most <= UInt64((64 << 10) + GzipInflater.pieceBytes))
        #expect(control.chargedNow == 0)
    }

    @Test func severalMembersEqualTheJSONPath() throws {
        let samples = LinesStreamTests.Samples(n: 3000, classes: 3, seed: 21, weighted: true)
        var lines = ""
        for i in samples.predictions.indices {
            lines += "{\"prediction\":[" + samples.predictions[i].map { "\($0)" }.joined(separator: ",")
            lines += "],\"label\":\(samples.indices[i]),\"weight\":\(samples.weights![i])}\n"
        }
        let bytes = Array(lines.utf8)
        // Members cut anywhere, even inside a line.
        let cuts = [0, 1000, 77_777, bytes.count]
        var body: [UInt8] = []
        for k in 0..<3 { body += Self.gzip(Array(bytes[cuts[k]..<cuts[k + 1]])) }
        var json =
            "{\"predictions\":["
            + samples.predictions.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }
            .joined(separator: ",")
        json += "],\"labels\":[" + samples.indices.map(String.init).joined(separator: ",") + "],\"sample_weights\":["
        json += samples.weights!.map { "\($0)" }.joined(separator: ",") + "],\"per_sample\":false}"
        let expected = RouterHarness().post("/cce", json)
        #expect(expected.status == 200)
        for chunks in [[1], [3, 1000, 17, 32768], [1 << 30]] {
            let control = TestStreamControl()
            let response = try #require(drive(try Self.stream(), body, chunks: chunks, control: control))
            #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self).prefix(300))")
            LinesStreamTests.expectSame(JSONValue.parse(response.body), expected.json, "gzip \(chunks.prefix(2))")
            #expect(control.chargedNow == 0)
        }
    }

    @Test func aGzipBombIsRefusedAtTheLineLimitWithoutInflatingIt() throws {
        let zeros = [UInt8](repeating: UInt8(ascii: "0"), count: 8 << 20)
        let bomb = Self.gzip(Array("{\"prediction\":[0.5,0.5],\"label\":0}\n".utf8)) + Self.gzip(zeros)
        #expect(bomb.count < 64 << 10)
        let stream = try Self.stream()
        let control = TestStreamControl()
        let response = try #require(drive(stream, bomb, chunks: [32768], control: control))
        #expect(response.status == 413)
        // One line at the limit, one open batch, and what one call may add.
        #expect(control.peakCharge <= UInt64((1 << 20) + 4096 + (1 << 20) + GzipInflater.pieceBytes))
        #expect(control.chargedNow == 0)
        #expect(JSONValue.parse(response.body).problemPointers == ["/lines/1"])
        // One line's worth and one piece, not 8 MiB.
        #expect(stream.framedBytes <= UInt64((1 << 20) + 2 * GzipInflater.pieceBytes))
    }

    @Test func corruptOrCutGzipIs400() throws {
        let good = Self.gzip(Array("{\"prediction\":[0.5,0.5],\"label\":0}\n".utf8))
        for body in [Array("not gzip at all\n".utf8), Array(good.dropLast(6)), good + [0x1f, 0x8b, 0x08, 0x00, 0xff]] {
            let response = try #require(drive(try Self.stream(), body, chunks: [7], control: TestStreamControl()))
            #expect(response.status == 400, "\(String(decoding: response.body, as: UTF8.self))")
        }
    }
}
