import CZlib

/// Inflates a gzip-coded body as it arrives (zlib), concatenated members included (what
/// `cat a.gz b.gz` and pigz write). Output is handed on in pieces of at most `pieceBytes`, so
/// nothing but one piece is held whatever the ratio, and a call stops after a limit of output
/// (`LinesStream` takes `LineLimits.bytesPerTake` per chunk offered, the rest offered again).
/// Used only under its stream's lock (one `take` at a time), hence unchecked.
final class GzipInflater: @unchecked Sendable {
    /// Bytes of one piece of output.
    static let pieceBytes = 32 << 10

    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var output = [UInt8](repeating: 0, count: GzipInflater.pieceBytes)
    private var ready = false
    /// A member ended: more input starts the next one.
    private var betweenMembers = false
    /// Whether any member was begun (an empty body is not gzip).
    private(set) var sawMember = false

    init() {
        stream.initialize(to: z_stream())
        // 15 + 16: a gzip wrapper around a full-size deflate window.
        ready = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit {
        if ready { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates `input` until about `limit` bytes are made (at most `limit` + `pieceBytes` - 1),
    /// calling `emit` with each piece; `emit` returns false to stop (the rest of the input is
    /// then not inflated). Returns the bytes of `input` consumed: fewer than its count when the
    /// limit or `emit` stopped it (zlib keeps what it has read; the caller offers the rest
    /// again). Throws the 400 of data that is not gzip.
    func inflate(
        _ input: UnsafeRawBufferPointer, limit: Int = .max, _ emit: (UnsafeRawBufferPointer) -> Bool
    ) throws(Problem) -> Int {
        guard ready else { throw Self.problem("zlib could not start") }
        guard let base = input.baseAddress, !input.isEmpty else { return input.count }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        var made = 0
        while stream.pointee.avail_in > 0 && made < limit {
            if betweenMembers {
                guard inflateReset(stream) == Z_OK else { throw Self.problem("zlib could not restart") }
                betweenMembers = false
            }
            sawMember = true
            let (status, produced) = output.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(out.count)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                return (status, out.count - Int(stream.pointee.avail_out))
            }
            switch status {
            case Z_OK, Z_BUF_ERROR: break
            case Z_STREAM_END: betweenMembers = true
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                throw Self.problem("the body is not valid gzip (\(ClientText.cut(message)))")
            }
            if produced > 0 {
                made += produced
                let keepGoing = output.withUnsafeBytes { emit(UnsafeRawBufferPointer(rebasing: $0[..<produced])) }
                if !keepGoing { break }
            } else if status == Z_BUF_ERROR {
                return input.count  // no progress possible: wait for more input
            }
        }
        return input.count - Int(stream.pointee.avail_in)
    }

    /// Whether the body ended where a member ends (a cut member is a 400).
    var isComplete: Bool { !sawMember || betweenMembers }

    static func problem(_ detail: String) -> Problem {
        Problem(.badRequest, detail: detail)
    }
}
