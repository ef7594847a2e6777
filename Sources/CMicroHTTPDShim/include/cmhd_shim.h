// The C side of the service: libmicrohttpd owns sockets and HTTP; this shim starts the
// daemon, accumulates each request body and hands the complete request to one Swift
// callback, then queues the answer Swift gave. It knows nothing of JSON or losses.
#ifndef CMHD_SHIM_H
#define CMHD_SHIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct cmhd_server cmhd_server;
typedef struct cmhd_request cmhd_request;

// The handler is called twice per request: once when the headers have arrived
// (CMHD_PHASE_HEADERS: answering now rejects the request before its body is read) and,
// unless it answered, once with the whole body (CMHD_PHASE_COMPLETE: it must answer).
enum { CMHD_PHASE_HEADERS = 0, CMHD_PHASE_COMPLETE = 1 };
typedef void (*cmhd_handler)(void *context, cmhd_request *request, int phase);

typedef struct cmhd_config {
    const char *host;                   // numeric address or name; NULL means any IPv4 address
    uint16_t port;                      // 0 picks a free port
    unsigned int threads;               // size of the polling thread pool
    uint64_t max_body_bytes;            // bodies are never buffered past this
    uint64_t max_buffered_bytes;        // all bodies being read at once, together; 0: no limit
    unsigned int connection_limit;      // 0: libmicrohttpd's default
    unsigned int per_ip_connection_limit; // 0: no limit
    unsigned int connection_timeout;    // seconds of inactivity before a connection is closed; 0: never
    size_t connection_memory_limit;     // per-connection header memory; 0: libmicrohttpd's default
} cmhd_config;

// Starts serving. Returns NULL and writes a message into `error` when it cannot.
cmhd_server *cmhd_start(const cmhd_config *config, cmhd_handler handler, void *context,
                        char *error, size_t error_size);
// The port actually bound (useful with port 0).
uint16_t cmhd_bound_port(const cmhd_server *server);
// Stops accepting new connections; requests already in progress carry on.
void cmhd_quiesce(cmhd_server *server);
// Requests whose headers have arrived and whose answer has not been completed.
unsigned int cmhd_requests_in_flight(const cmhd_server *server);
// Closes every connection and frees the server.
void cmhd_stop(cmhd_server *server);

// Request accessors, valid inside the handler only.
const char *cmhd_request_method(const cmhd_request *request);
const char *cmhd_request_path(const cmhd_request *request);
// When the request's headers arrived, on cmhd_monotonic_ns()'s clock.
uint64_t cmhd_request_started_ns(const cmhd_request *request);
// CLOCK_MONOTONIC in nanoseconds.
uint64_t cmhd_monotonic_ns(void);
// The first value of a header (case-insensitive name), or NULL.
const char *cmhd_request_header(const cmhd_request *request, const char *name);
// How many times a header occurs (duplicate Content-Length is a request smuggling risk).
unsigned int cmhd_request_header_count(const cmhd_request *request, const char *name);
// The body received (COMPLETE phase); `length` is set, the pointer may be NULL when empty.
const uint8_t *cmhd_request_body(const cmhd_request *request, size_t *length);
// Call in the HEADERS phase to go on with the request: reserves its declared Content-Length
// against max_buffered_bytes and allocates it, so the body is copied once. Returns 0 when the
// budget cannot take it (answer now: the body will not be kept). Chunked bodies reserve as
// they grow, and are dropped if the budget runs out (see cmhd_request_body_dropped).
int cmhd_request_reserve_body(cmhd_request *request);
// Whether the body was kept, or why its bytes were discarded as they arrived (the request must
// then be refused): it grew past max_body_bytes, or past what max_buffered_bytes had left.
enum { CMHD_BODY_KEPT = 0, CMHD_BODY_TOO_LARGE = 1, CMHD_BODY_OVER_BUDGET = 2 };
int cmhd_request_body_dropped(const cmhd_request *request);

// Answers the request: the body is copied. Returns 0 on failure (out of memory).
int cmhd_respond(cmhd_request *request, unsigned int status, const char *content_type,
                 const void *body, size_t length);
// Adds a header to the answer made by cmhd_respond.
int cmhd_add_header(cmhd_request *request, const char *name, const char *value);

// Returns the free pages of every malloc arena to the system (glibc's malloc_trim).
void cmhd_trim_memory(void);

#endif
