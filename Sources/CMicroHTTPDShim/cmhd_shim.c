#include "cmhd_shim.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

// Client addresses are hashed into this many shares of the per-address budget: two addresses
// that collide share one (stricter, never looser).
enum { ADDRESS_SHARES = 4096, INITIAL_BODY_CAPACITY = 16 * 1024 };

struct cmhd_server {
    struct MHD_Daemon *daemon;
    cmhd_handler handler;
    void *context;
    cmhd_config config;
    _Atomic uint64_t charged;
    _Atomic uint64_t *address_charged;  // ADDRESS_SHARES counters when per-address budgets are on
    uint16_t port;
    atomic_uint in_flight;
};

struct cmhd_request {
    cmhd_server *server;
    struct MHD_Connection *connection;
    const char *method;
    const char *path;
    uint64_t tag;
    size_t address_share;
    cmhd_framing framing;
    // Body and its charge: `factor` budget bytes for each byte of capacity.
    uint64_t factor;
    uint8_t *body;
    size_t length;
    size_t capacity;
    uint64_t body_charge;
    uint64_t answer_charge;  // the queued answer, held until libmicrohttpd is done with it
    cmhd_body_state body_state;
    // Slow-body detection while the body is read.
    bool reading_body;
    bool slow;
    bool answered;
    uint64_t window_start_ns;
    uint64_t window_bytes;
    uint64_t last_chunk_ns;
    cmhd_close_reason close_reason;
    struct MHD_Response *response;
    unsigned int status;
};

// Internal only: the rate check needs a clock; Swift keeps its own for durations.
static uint64_t now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

// ---- Memory budget ----

static _Atomic uint64_t *share_of(const cmhd_request *request) {
    cmhd_server *server = request->server;
    return server->address_charged ? &server->address_charged[request->address_share] : NULL;
}

// Adds `amount` to the request's charges unless a budget would pass its limit (`force` adds anyway).
static bool charge(cmhd_request *request, uint64_t amount, bool force) {
    cmhd_server *server = request->server;
    uint64_t total = atomic_fetch_add(&server->charged, amount) + amount;
    bool fits = server->config.memory_budget == 0 || total <= server->config.memory_budget;
    _Atomic uint64_t *share = share_of(request);
    if (share != NULL) {
        uint64_t mine = atomic_fetch_add(share, amount) + amount;
        fits = fits && mine <= server->config.memory_budget_per_address;
        if (!fits && !force) atomic_fetch_sub(share, amount);
    }
    if (!fits && !force) atomic_fetch_sub(&server->charged, amount);
    return fits || force;
}

static void release(cmhd_request *request, uint64_t *amount) {
    atomic_fetch_sub(&request->server->charged, *amount);
    _Atomic uint64_t *share = share_of(request);
    if (share != NULL) atomic_fetch_sub(share, *amount);
    *amount = 0;
}

static void discard_body(cmhd_request *request) {
    free(request->body);
    request->body = NULL;
    request->length = 0;
    request->capacity = 0;
    release(request, &request->body_charge);
}

// Grows the body's charge to cover `capacity` bytes; false when the budget cannot take it.
static bool charge_capacity(cmhd_request *request, size_t capacity) {
    uint64_t wanted;
    if (__builtin_mul_overflow((uint64_t)capacity, request->factor, &wanted)) return false;
    if (wanted <= request->body_charge) return true;
    if (!charge(request, wanted - request->body_charge, false)) return false;
    request->body_charge = wanted;
    return true;
}

// Whether a charge could ever fit, on an idle server.
static bool could_fit(const cmhd_server *server, uint64_t amount) {
    const cmhd_config *config = &server->config;
    if (config->memory_budget != 0 && amount > config->memory_budget) return false;
    return config->memory_budget_per_address == 0 || amount <= config->memory_budget_per_address;
}

cmhd_admission cmhd_request_admit(cmhd_request *request, uint64_t factor) {
    cmhd_server *server = request->server;
    request->factor = factor == 0 ? 1 : factor;
    const char *declared = cmhd_request_header(request, MHD_HTTP_HEADER_CONTENT_LENGTH);
    bool chunked = cmhd_request_header(request, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
    uint64_t length = declared ? strtoull(declared, NULL, 10) : 0;
    if (length > server->config.max_body_bytes) {
        request->body_state = CMHD_BODY_TOO_LARGE;  // dropped as it arrives; 413 at its end
    } else if (length > 0) {
        uint64_t amount;
        if (__builtin_mul_overflow(length, request->factor, &amount) || !could_fit(server, amount)) {
            return CMHD_NEVER_FITS;
        }
        if (!charge_capacity(request, (size_t)length)) return CMHD_OVER_BUDGET;
        request->body = malloc((size_t)length);
        request->capacity = request->body ? (size_t)length : 0;
    }
    if (length > 0 || chunked) {
        request->reading_body = true;
        request->window_start_ns = request->last_chunk_ns = now_ns();
        if (server->config.max_body_gap > 0) {
            MHD_set_connection_option(request->connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                      server->config.max_body_gap);
        }
    }
    return CMHD_ADMITTED;
}

// ---- Body ----

static void append_chunk(cmhd_request *request, const char *data, size_t size) {
    if (request->body_state != CMHD_BODY_KEPT) return;
    uint64_t max_body = request->server->config.max_body_bytes;
    if (size > max_body - request->length) {
        request->body_state = CMHD_BODY_TOO_LARGE;  // keep reading (and dropping) to answer at the end
        discard_body(request);
        return;
    }
    size_t needed = request->length + size;
    if (needed > request->capacity) {
        size_t capacity = request->capacity ? request->capacity : INITIAL_BODY_CAPACITY;
        while (capacity < needed) capacity *= 2;
        if (capacity > max_body) capacity = (size_t)max_body;
        if (!charge_capacity(request, capacity)) {
            request->body_state = CMHD_BODY_OVER_BUDGET;
            discard_body(request);
            return;
        }
        uint8_t *grown = realloc(request->body, capacity);
        if (grown == NULL) {
            request->body_state = CMHD_BODY_OVER_BUDGET;
            discard_body(request);
            return;
        }
        request->body = grown;
        request->capacity = capacity;
    }
    memcpy(request->body + request->length, data, size);
    request->length = needed;
}

// False when the body arrives below min_body_rate, measured over windows of max_body_gap
// seconds. A call later than a whole window after the previous one means this thread was
// busy (a silent client is cut by the gap timeout first), so the window restarts instead.
static bool body_rate_ok(cmhd_request *request, size_t size) {
    const cmhd_config *config = &request->server->config;
    if (config->min_body_rate == 0) return true;
    uint64_t window_ns = (uint64_t)(config->max_body_gap ? config->max_body_gap : 10) * 1000000000u;
    uint64_t now = now_ns();
    bool stalled_here = now - request->last_chunk_ns > window_ns;
    request->last_chunk_ns = now;
    if (stalled_here) {
        request->window_start_ns = now;
        request->window_bytes = size;
        return true;
    }
    request->window_bytes += size;
    uint64_t elapsed = now - request->window_start_ns;
    if (elapsed < window_ns) return true;
    if ((double)request->window_bytes * 1e9 < (double)config->min_body_rate * (double)elapsed) return false;
    request->window_start_ns = now;
    request->window_bytes = 0;
    return true;
}

// ---- Framing ----

static bool is_token(const char *text) {
    if (*text == '\0') return false;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')) continue;
        if (*c > 127 || strchr("!#$%&'*+-.^_`|~", *c) == NULL) return false;
    }
    return true;
}

struct header_walk {
    bool bad_name;
    unsigned int lengths, encodings;
    const char *length, *encoding;
};

static enum MHD_Result walk_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    struct header_walk *walk = cls;
    if (!is_token(key)) walk->bad_name = true;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) walk->lengths += 1, walk->length = value;
    if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) walk->encodings += 1, walk->encoding = value;
    return MHD_YES;
}

// RFC 9112 §6.1: the service implements `chunked` alone; any other coding is 501.
static cmhd_framing check_codings(const char *list) {
    unsigned int chunked = 0;
    const char *item = list;
    while (*item) {
        while (*item == ' ' || *item == '\t' || *item == ',') item++;
        const char *end = item;
        while (*end && *end != ',') end++;
        const char *last = end;
        while (last > item && (last[-1] == ' ' || last[-1] == '\t')) last--;
        if (last > item) {
            if ((size_t)(last - item) != 7 || strncasecmp(item, "chunked", 7) != 0) return CMHD_FRAMING_UNKNOWN_CODING;
            chunked += 1;
        }
        item = end;
    }
    return chunked == 1 ? CMHD_FRAMING_OK : CMHD_FRAMING_CHUNKED_NOT_LAST;
}

static cmhd_framing check_framing(struct MHD_Connection *connection) {
    struct header_walk walk = {0};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, walk_header, &walk);
    if (walk.bad_name) return CMHD_FRAMING_BAD_HEADER_NAME;
    if (walk.lengths > 1) return CMHD_FRAMING_REPEATED_CONTENT_LENGTH;
    if (walk.lengths == 1 && (walk.length[0] == '\0' || strspn(walk.length, "0123456789") != strlen(walk.length))) {
        return CMHD_FRAMING_BAD_CONTENT_LENGTH;
    }
    if (walk.encodings > 1) return CMHD_FRAMING_REPEATED_TRANSFER_ENCODING;
    if (walk.encodings == 1 && walk.lengths == 1) return CMHD_FRAMING_LENGTH_AND_ENCODING;
    if (walk.encodings == 1) return check_codings(walk.encoding);
    return CMHD_FRAMING_OK;
}

// ---- Requests ----

static size_t address_share(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return 0;
    const unsigned char *bytes = NULL;
    size_t count = 0;
    if (info->client_addr->sa_family == AF_INET6) {
        bytes = (const unsigned char *)&((const struct sockaddr_in6 *)info->client_addr)->sin6_addr;
        count = 16;
    } else {
        bytes = (const unsigned char *)&((const struct sockaddr_in *)info->client_addr)->sin_addr;
        count = 4;
    }
    uint64_t hash = 1469598103934665603u;  // FNV-1a
    for (size_t i = 0; i < count; i++) hash = (hash ^ bytes[i]) * 1099511628211u;
    return (size_t)(hash % ADDRESS_SHARES);
}

static enum MHD_Result queue_answer(cmhd_request *request) {
    struct MHD_Response *response = request->response;
    request->response = NULL;
    enum MHD_Result result = MHD_queue_response(request->connection, request->status, response);
    MHD_destroy_response(response);
    if (result == MHD_YES) request->answered = true;
    return result;
}

static void end_body(cmhd_request *request) {
    if (!request->reading_body) return;
    request->reading_body = false;
    if (request->server->config.max_body_gap > 0) {
        MHD_set_connection_option(request->connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                  request->server->config.connection_timeout);
    }
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *connection, const char *url,
                                      const char *method, const char *version, const char *upload_data,
                                      size_t *upload_data_size, void **request_slot) {
    (void)version;
    cmhd_server *server = cls;
    cmhd_request *request = *request_slot;

    if (request == NULL) {  // first call: headers only
        request = calloc(1, sizeof *request);
        if (request == NULL) return MHD_NO;
        request->server = server;
        request->connection = connection;
        request->method = method;
        request->path = url;
        request->factor = 1;
        request->framing = check_framing(connection);
        if (server->address_charged != NULL) request->address_share = address_share(connection);
        *request_slot = request;
        atomic_fetch_add(&server->in_flight, 1);
        server->handler(server->context, request, CMHD_PHASE_HEADERS);
        if (request->response != NULL) {
            end_body(request);
            discard_body(request);
            return queue_answer(request);
        }
        return MHD_YES;
    }

    if (*upload_data_size != 0) {  // a body chunk; 0.9.75 cannot answer here
        if (!body_rate_ok(request, *upload_data_size)) {
            request->slow = true;
            return MHD_NO;  // closes the connection
        }
        append_chunk(request, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    end_body(request);
    server->handler(server->context, request, CMHD_PHASE_COMPLETE);
    discard_body(request);
    if (request->response == NULL) return MHD_NO;  // Swift always answers; close if it could not
    return queue_answer(request);
}

static void request_completed(void *cls, struct MHD_Connection *connection, void **request_slot,
                              enum MHD_RequestTerminationCode code) {
    (void)connection;
    cmhd_server *server = cls;
    cmhd_request *request = *request_slot;
    if (request == NULL) return;
    if (!request->answered) {
        bool timed_out = request->reading_body && code == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED;
        request->close_reason = request->slow || timed_out ? CMHD_CLOSE_SLOW_BODY : CMHD_CLOSE_ABORTED;
        server->handler(server->context, request, CMHD_PHASE_CLOSED);
    }
    if (request->response != NULL) MHD_destroy_response(request->response);
    discard_body(request);
    release(request, &request->answer_charge);
    free(request);
    *request_slot = NULL;
    atomic_fetch_sub(&server->in_flight, 1);
}

// ---- Server ----

static bool resolve(const char *host, uint16_t port, struct sockaddr_storage *address, char *error,
                    size_t error_size) {
    struct addrinfo hints = {0};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo *found = NULL;
    int status = getaddrinfo(host, service, &hints, &found);
    if (status != 0 || found == NULL) {
        snprintf(error, error_size, "cannot resolve host '%s': %s", host ? host : "", gai_strerror(status));
        return false;
    }
    memcpy(address, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    return true;
}

static uint16_t listening_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_LISTEN_FD);
    if (info == NULL) return 0;
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    if (getsockname(info->listen_fd, (struct sockaddr *)&address, &length) != 0) return 0;
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    return ntohs(((struct sockaddr_in *)&address)->sin_port);
}

cmhd_server *cmhd_start(const cmhd_config *config, cmhd_handler handler, void *context, char *error,
                        size_t error_size) {
    struct sockaddr_storage address;
    const char *host = config->host ? config->host : "0.0.0.0";
    if (!resolve(host, config->port, &address, error, error_size)) return NULL;
    cmhd_server *server = calloc(1, sizeof *server);
    if (server == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    server->handler = handler;
    server->context = context;
    server->config = *config;
    server->config.host = NULL;  // the caller's string is not kept
    atomic_init(&server->charged, 0);
    atomic_init(&server->in_flight, 0);
    if (config->memory_budget_per_address > 0) {
        server->address_charged = calloc(ADDRESS_SHARES, sizeof *server->address_charged);
        if (server->address_charged == NULL) {
            snprintf(error, error_size, "out of memory");
            free(server);
            return NULL;
        }
    }

    // Poll with a thread pool: 0.9.75's epoll modes stall under load and leak aborted
    // connections (RELIABILITY.md). ITC makes MHD_quiesce_daemon possible.
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC;
    if (address.ss_family == AF_INET6) flags |= MHD_USE_IPv6;

    struct MHD_OptionItem options[10];
    size_t count = 0;
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &address};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, server};
    if (config->threads > 1) {
        options[count++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, config->threads, NULL};
    }
    if (config->connection_limit > 0) {
        options[count++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, config->connection_limit, NULL};
    }
    if (config->per_ip_connection_limit > 0) {
        options[count++] =
            (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, config->per_ip_connection_limit, NULL};
    }
    if (config->connection_timeout > 0) {
        options[count++] =
            (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, config->connection_timeout, NULL};
    }
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    server->daemon = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, server, MHD_OPTION_ARRAY, options,
                                      MHD_OPTION_END);
    if (server->daemon == NULL) {
        snprintf(error, error_size, "cannot listen on %s:%u (address in use, or not permitted)", host,
                 (unsigned)config->port);
        free(server->address_charged);
        free(server);
        return NULL;
    }
    server->port = listening_port(server->daemon);
    return server;
}

uint16_t cmhd_bound_port(const cmhd_server *server) { return server->port; }

void cmhd_quiesce(cmhd_server *server) {
    MHD_socket listener = MHD_quiesce_daemon(server->daemon);
    if (listener != MHD_INVALID_SOCKET) close(listener);
}

unsigned int cmhd_requests_in_flight(const cmhd_server *server) {
    return atomic_load(&((cmhd_server *)server)->in_flight);
}

uint64_t cmhd_memory_charged(const cmhd_server *server) { return atomic_load(&((cmhd_server *)server)->charged); }

void cmhd_stop(cmhd_server *server) {
    MHD_stop_daemon(server->daemon);
    free(server->address_charged);
    free(server);
}

// ---- Accessors and answers ----

const char *cmhd_request_method(const cmhd_request *request) { return request->method; }

const char *cmhd_request_path(const cmhd_request *request) { return request->path; }

const char *cmhd_request_header(const cmhd_request *request, const char *name) {
    return MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, name);
}

void cmhd_request_set_tag(cmhd_request *request, uint64_t tag) { request->tag = tag; }

uint64_t cmhd_request_tag(const cmhd_request *request) { return request->tag; }

cmhd_framing cmhd_request_framing(const cmhd_request *request) { return request->framing; }

cmhd_body_state cmhd_request_body_state(const cmhd_request *request) { return request->body_state; }

const uint8_t *cmhd_request_body(const cmhd_request *request, size_t *length) {
    *length = request->length;
    return request->body;
}

cmhd_close_reason cmhd_request_close_reason(const cmhd_request *request) { return request->close_reason; }

bool cmhd_respond(cmhd_request *request, unsigned int status, const char *content_type, const void *body,
                  size_t length) {
    if (request->response != NULL) MHD_destroy_response(request->response);
    release(request, &request->answer_charge);
    request->response = MHD_create_response_from_buffer(length, length ? (void *)body : (void *)"",
                                                        MHD_RESPMEM_MUST_COPY);
    if (request->response == NULL) return false;
    request->status = status;
    // Held until the client has read it: charged even past the budget (it is made already),
    // so that new bodies wait for slow readers instead of the process growing.
    charge(request, length, true);
    request->answer_charge = length;
    if (content_type != NULL) MHD_add_response_header(request->response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    return true;
}

bool cmhd_add_header(cmhd_request *request, const char *name, const char *value) {
    if (request->response == NULL) return false;
    return MHD_add_response_header(request->response, name, value) == MHD_YES;
}
