// The C side of the transport: libmicrohttpd owns sockets and HTTP; this shim starts the daemon,
// checks framing, charges bodies and held answers to one memory budget, cuts slow bodies, pauses
// connections whose consumer is behind, and hands each request to one Swift callback. It knows
// nothing of JSON or losses; what it decides, it asks of cmhd_policy.h.
//
// Files, each calling only files further down this list: cmhd_daemon.c (start, stop),
// cmhd_phases.c (the access handler and the completion: the phases), cmhd_framing.c (header
// checks), cmhd_request.c (what Swift reads and answers), cmhd_pause.c (suspend and resume),
// cmhd_body.c (body bytes), cmhd_ledger.c (the budget's counters, the clock), cmhd_policy.c
// (every decision; calls nothing).
#ifndef CMHD_SHIM_H
#define CMHD_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmhd_policy.h"

#define CMHD_CLOSED_ENUM __attribute__((enum_extensibility(closed)))

typedef struct cmhd_server cmhd_server;
typedef struct cmhd_request cmhd_request;

// HEADERS: answer now (the body is never read) or admit the body. CHUNK (streamed bodies only):
// take what you can of cmhd_request_chunk and say how much (cmhd_request_take). COMPLETE: the
// whole body is here, or was dropped (cmhd_request_body_state): answer; a streamed body may answer
// later (cmhd_request_resume once the answer is ready: COMPLETE comes again). ENDED: once for every
// request, last, answered or not (cmhd_request_answered, cmhd_request_close_reason): release what
// it holds.
typedef enum CMHD_CLOSED_ENUM cmhd_phase {
    CMHD_PHASE_HEADERS,
    CMHD_PHASE_CHUNK,
    CMHD_PHASE_COMPLETE,
    CMHD_PHASE_ENDED,
} cmhd_phase;
typedef void (*cmhd_handler)(void *context, cmhd_request *request, cmhd_phase phase);

typedef struct cmhd_config {
    const char *host;                     // numeric address or name; NULL means any IPv4 address
    uint16_t port;                        // 0 picks a free port
    unsigned int threads;                 // size of the polling thread pool
    uint64_t max_body_bytes;              // bodies are never buffered past this
    uint64_t memory_budget;               // charges of all requests together; 0: no limit
    uint64_t memory_budget_per_address;   // charges of one client address; 0: no limit
    unsigned int connection_limit;        // 0: libmicrohttpd's default
    unsigned int per_ip_connection_limit; // 0: no limit
    unsigned int connection_timeout;      // seconds of inactivity before a connection is closed; 0: never
    unsigned int max_body_gap;            // seconds without a body byte before the connection is cut; 0: off
    uint64_t min_body_rate;               // body bytes per second, over windows of max_body_gap; 0: off
    unsigned int answer_gap;              // seconds a queued answer may go without the client taking a
                                          // byte before the connection is closed; 0: connection_timeout
} cmhd_config;

// Starts serving. Returns NULL and writes a message into `error` when it cannot.
cmhd_server *cmhd_start(const cmhd_config *config, cmhd_handler handler, void *context, char *error,
                        size_t error_size);
uint16_t cmhd_bound_port(const cmhd_server *server);
// Stops accepting new connections; requests already in progress carry on.
void cmhd_quiesce(cmhd_server *server);
unsigned int cmhd_requests_in_flight(const cmhd_server *server); // headers in, exchange not finished
unsigned int cmhd_requests_paused(const cmhd_server *server);    // suspended while their consumer is behind
uint64_t cmhd_memory_charged(const cmhd_server *server);         // bytes charged to the budget now
// Resumes and closes every paused connection (their ENDED phase runs), then closes every
// connection and frees the server.
void cmhd_stop(cmhd_server *server);

// Request accessors, valid inside the handler only.
const char *cmhd_request_method(const cmhd_request *request);
const char *cmhd_request_path(const cmhd_request *request);
// The request target after its first '?' as sent (not unescaped), or NULL when there is none.
const char *cmhd_request_query(const cmhd_request *request);
// The first value of a header (case-insensitive name), or NULL.
const char *cmhd_request_header(const cmhd_request *request, const char *name);
// The client's IP address as text (at most CMHD_ADDRESS_TEXT bytes with its NUL) into `buffer`;
// false when the library cannot give it.
#define CMHD_ADDRESS_TEXT 46
bool cmhd_request_client_address(const cmhd_request *request, char *buffer, size_t size);
// An IPv4 address (network byte order) as dotted decimal into `buffer` (16 bytes with the NUL),
// written by hand: glibc's inet_ntop formats it with sprintf, a visible share of a small request.
void cmhd_format_ipv4(uint32_t network_order, char *buffer);
// The application's object for the request (Swift's exchange), set at HEADERS, taken back at ENDED.
void cmhd_request_set_exchange(cmhd_request *request, void *exchange);
void *cmhd_request_exchange(const cmhd_request *request);
// Content-Length, parsed once by the framing check (HEADERS phase): false when absent. A value
// past 2^64 - 1 reads as UINT64_MAX (larger than any body limit).
bool cmhd_request_content_length(const cmhd_request *request, uint64_t *length);
// ENDED phase: whether an answer was queued.
bool cmhd_request_answered(const cmhd_request *request);

// What the header walk found (HEADERS phase): a request that is not OK must be refused.
typedef enum CMHD_CLOSED_ENUM cmhd_framing {
    CMHD_FRAMING_OK,
    CMHD_FRAMING_BAD_HEADER_NAME,          // whitespace or another non-token byte in a name: 400
    CMHD_FRAMING_REPEATED_CONTENT_LENGTH,  // 400
    CMHD_FRAMING_BAD_CONTENT_LENGTH,       // not plain digits: 400
    CMHD_FRAMING_REPEATED_TRANSFER_ENCODING, // 400
    CMHD_FRAMING_LENGTH_AND_ENCODING,      // both framings: how requests are smuggled: 400
    CMHD_FRAMING_CHUNKED_NOT_LAST,         // `chunked` repeated, or an empty coding list: 400
    CMHD_FRAMING_UNKNOWN_CODING,           // a transfer coding other than chunked: 501
    CMHD_FRAMING_FOLDED_LINE,              // obsolete line folding (RFC 9112 §5.2): 400
    CMHD_FRAMING_STRAY_BYTE,               // a NUL or a bare CR in the request line or a header: 400
    CMHD_FRAMING_NUL_IN_PATH,              // %00 in the path, which the library would cut there: 400
    CMHD_FRAMING_MISSING_HOST,             // HTTP/1.1 without Host (RFC 9112 §3.2): 400
    CMHD_FRAMING_REPEATED_HOST,            // 400
    CMHD_FRAMING_REPEATED_CONTENT_TYPE,    // 400
    CMHD_FRAMING_REPEATED_CONTENT_ENCODING, // 400
} cmhd_framing;
cmhd_framing cmhd_request_framing(const cmhd_request *request);

// HEADERS phase: goes on to read the body (cmhd_policy_admit decides). A buffered body is charged
// as it is used: its buffer at one budget byte per byte as it grows, then, once whole, `factor`
// bytes per body byte before the COMPLETE phase (a body that does not fit then is dropped:
// CMHD_BODY_OVER_BUDGET). A streamed one is handed over chunk by chunk (CHUNK phases); its
// consumer charges what it holds (cmhd_request_charge). Nothing ever waits for budget.
cmhd_admission cmhd_request_admit(cmhd_request *request, uint64_t factor);
// A streamed body is read up to `max_body` bytes (past it, read and dropped, then 413).
cmhd_admission cmhd_request_admit_stream(cmhd_request *request, uint64_t max_body);

// CHUNK phase: the bytes offered (at most 32 KiB), and how many leading bytes were taken. Fewer
// than offered pauses the connection until cmhd_request_resume; the rest is offered again.
const uint8_t *cmhd_request_chunk(const cmhd_request *request, size_t *size);
void cmhd_request_take(cmhd_request *request, size_t taken);
// From any thread, while the request has not ENDED: offer the rest (or ask for the answer) again.
void cmhd_request_resume(cmhd_request *request);
// From any thread, while the request has not ENDED: a streamed body's consumer holds `amount`
// more bytes (false: the budget cannot take them now) or gives them back. ENDED returns the rest.
// A refused charge that `waits` (the consumer pauses and asks again until it fits) is kept room
// for: while it is the oldest such, other charges leave its bytes free.
bool cmhd_request_charge(cmhd_request *request, uint64_t amount, bool waits);
void cmhd_request_release(cmhd_request *request, uint64_t amount);

// COMPLETE phase: whether the body was kept, or why its bytes were discarded as they arrived.
typedef enum CMHD_CLOSED_ENUM cmhd_body_state {
    CMHD_BODY_KEPT,
    CMHD_BODY_TOO_LARGE,  // grew past max_body_bytes: 413 (a streamed body: no more chunks)
    CMHD_BODY_OVER_BUDGET, // its buffer, or its charge at the route's factor once whole, did not fit: 503
} cmhd_body_state;
cmhd_body_state cmhd_request_body_state(const cmhd_request *request);
// The body received; `length` is set, the pointer may be NULL when empty.
const uint8_t *cmhd_request_body(const cmhd_request *request, size_t *length);

// ENDED phase, unanswered: why the request ended without an answer.
typedef enum CMHD_CLOSED_ENUM cmhd_close_reason {
    CMHD_CLOSE_SLOW_BODY, // below min_body_rate, or max_body_gap passed mid-body
    CMHD_CLOSE_ABORTED,   // the client went away, or the server stopped (paused ones too)
    // libmicrohttpd refused it itself: after its request line, before the headers phase, with its
    // own answer (a malformed header line) or none (477+ query arguments exhaust its memory pool);
    // or mid-body (a bad chunk size: 400; a chunk-size line longer than the connection's memory: 500).
    CMHD_CLOSE_REFUSED_BY_LIBRARY,
} cmhd_close_reason;
cmhd_close_reason cmhd_request_close_reason(const cmhd_request *request);

// Answers the request (the body is copied; held until sent, charged to the budget meanwhile).
bool cmhd_respond(cmhd_request *request, unsigned int status, const char *content_type, const void *body,
                  size_t length);
// Adds a header to the answer made by cmhd_respond.
bool cmhd_add_header(cmhd_request *request, const char *name, const char *value);

#endif
