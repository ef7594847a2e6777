#include "cmhd_shim.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <malloc.h>
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

struct cmhd_server {
    struct MHD_Daemon *daemon;
    cmhd_handler handler;
    void *context;
    uint64_t max_body_bytes;
    uint64_t max_buffered_bytes;  // 0: no limit
    _Atomic uint64_t buffered_bytes;
    uint16_t port;
    atomic_uint in_flight;
};

struct cmhd_request {
    cmhd_server *server;
    struct MHD_Connection *connection;
    const char *method;
    const char *path;
    uint8_t *body;
    size_t length;
    size_t capacity;
    size_t reserved;  // bytes counted against the server's buffered-bytes budget
    int dropped;  // CMHD_BODY_*: why the body's bytes are being discarded
    struct MHD_Response *response;
    unsigned int status;
    uint64_t started_ns;
};

enum { INITIAL_BODY_CAPACITY = 16 * 1024 };

uint64_t cmhd_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void discard_body(cmhd_request *request) {
    free(request->body);
    request->body = NULL;
    request->length = 0;
    request->capacity = 0;
    atomic_fetch_sub(&request->server->buffered_bytes, request->reserved);
    request->reserved = 0;
}

// Grows the request's share of the buffered-bytes budget to `capacity`; 0 when the budget
// cannot take it (nothing is reserved then).
static int reserve(cmhd_request *request, size_t capacity) {
    if (capacity <= request->reserved) return 1;
    cmhd_server *server = request->server;
    uint64_t more = capacity - request->reserved;
    uint64_t total = atomic_fetch_add(&server->buffered_bytes, more) + more;
    if (server->max_buffered_bytes != 0 && total > server->max_buffered_bytes) {
        atomic_fetch_sub(&server->buffered_bytes, more);
        return 0;
    }
    request->reserved = capacity;
    return 1;
}

int cmhd_request_reserve_body(cmhd_request *request) {
    const char *declared =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (declared == NULL || request->body != NULL) return 1;
    unsigned long long length = strtoull(declared, NULL, 10);
    if (length == 0 || length > request->server->max_body_bytes) return 1;
    if (!reserve(request, (size_t)length)) return 0;
    request->body = malloc((size_t)length);
    request->capacity = request->body ? (size_t)length : 0;
    return 1;
}

static void append_chunk(cmhd_request *request, const char *data, size_t size) {
    if (request->dropped != CMHD_BODY_KEPT) return;
    if (size > request->server->max_body_bytes - request->length) {
        request->dropped = CMHD_BODY_TOO_LARGE;  // keep reading (and dropping) to answer at the end
        discard_body(request);
        return;
    }
    size_t needed = request->length + size;
    if (needed > request->capacity) {
        size_t capacity = request->capacity ? request->capacity : INITIAL_BODY_CAPACITY;
        while (capacity < needed) capacity *= 2;
        if (capacity > request->server->max_body_bytes) capacity = (size_t)request->server->max_body_bytes;
        if (!reserve(request, capacity)) {
            request->dropped = CMHD_BODY_OVER_BUDGET;
            discard_body(request);
            return;
        }
        uint8_t *grown = realloc(request->body, capacity);
        if (grown == NULL) {
            request->dropped = CMHD_BODY_TOO_LARGE;
            discard_body(request);
            return;
        }
        request->body = grown;
        request->capacity = capacity;
    }
    memcpy(request->body + request->length, data, size);
    request->length = needed;
}

static enum MHD_Result queue_answer(cmhd_request *request) {
    struct MHD_Response *response = request->response;
    request->response = NULL;
    enum MHD_Result result = MHD_queue_response(request->connection, request->status, response);
    MHD_destroy_response(response);
    return result;
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
        request->started_ns = cmhd_monotonic_ns();
        *request_slot = request;
        atomic_fetch_add(&server->in_flight, 1);
        server->handler(server->context, request, CMHD_PHASE_HEADERS);
        if (request->response != NULL) return queue_answer(request);
        return MHD_YES;
    }

    if (*upload_data_size != 0) {  // a body chunk; 0.9.75 cannot answer here
        append_chunk(request, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    server->handler(server->context, request, CMHD_PHASE_COMPLETE);
    discard_body(request);
    if (request->response == NULL) return MHD_NO;  // Swift always answers; close if it could not
    return queue_answer(request);
}

static void request_completed(void *cls, struct MHD_Connection *connection, void **request_slot,
                              enum MHD_RequestTerminationCode code) {
    (void)connection;
    (void)code;
    cmhd_server *server = cls;
    cmhd_request *request = *request_slot;
    if (request == NULL) return;
    if (request->response != NULL) MHD_destroy_response(request->response);
    discard_body(request);
    free(request);
    *request_slot = NULL;
    atomic_fetch_sub(&server->in_flight, 1);
}

static int resolve(const char *host, uint16_t port, struct sockaddr_storage *address, char *error,
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
        return 0;
    }
    memcpy(address, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    return 1;
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
    if (!resolve(config->host ? config->host : "0.0.0.0", config->port, &address, error, error_size)) {
        return NULL;
    }
    cmhd_server *server = calloc(1, sizeof *server);
    if (server == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    server->handler = handler;
    server->context = context;
    server->max_body_bytes = config->max_body_bytes;
    server->max_buffered_bytes = config->max_buffered_bytes;
    atomic_init(&server->buffered_bytes, 0);
    atomic_init(&server->in_flight, 0);

    // Poll with a thread pool: 0.9.75's epoll modes stall under load and leak aborted
    // connections (see shared notes). ITC makes MHD_quiesce_daemon possible.
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
    if (config->connection_memory_limit > 0) {
        options[count++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                                                   (intptr_t)config->connection_memory_limit, NULL};
    }
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    server->daemon = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, server, MHD_OPTION_ARRAY, options,
                                      MHD_OPTION_END);
    if (server->daemon == NULL) {
        snprintf(error, error_size, "cannot listen on %s:%u (address in use, or not permitted)",
                 config->host ? config->host : "0.0.0.0", (unsigned)config->port);
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

void cmhd_stop(cmhd_server *server) {
    MHD_stop_daemon(server->daemon);
    free(server);
}

const char *cmhd_request_method(const cmhd_request *request) { return request->method; }

const char *cmhd_request_path(const cmhd_request *request) { return request->path; }

uint64_t cmhd_request_started_ns(const cmhd_request *request) { return request->started_ns; }

const char *cmhd_request_header(const cmhd_request *request, const char *name) {
    return MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, name);
}

struct header_count {
    const char *name;
    unsigned int count;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    (void)value;
    struct header_count *counter = cls;
    if (strcasecmp(key, counter->name) == 0) counter->count += 1;
    return MHD_YES;
}

unsigned int cmhd_request_header_count(const cmhd_request *request, const char *name) {
    struct header_count counter = {name, 0};
    MHD_get_connection_values(request->connection, MHD_HEADER_KIND, count_header, &counter);
    return counter.count;
}

const uint8_t *cmhd_request_body(const cmhd_request *request, size_t *length) {
    *length = request->length;
    return request->body;
}

int cmhd_request_body_dropped(const cmhd_request *request) { return request->dropped; }

int cmhd_respond(cmhd_request *request, unsigned int status, const char *content_type, const void *body,
                 size_t length) {
    if (request->response != NULL) MHD_destroy_response(request->response);
    request->response = MHD_create_response_from_buffer(length, length ? (void *)body : (void *)"",
                                                        MHD_RESPMEM_MUST_COPY);
    if (request->response == NULL) return 0;
    request->status = status;
    if (content_type != NULL) MHD_add_response_header(request->response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    return 1;
}

int cmhd_add_header(cmhd_request *request, const char *name, const char *value) {
    if (request->response == NULL) return 0;
    return MHD_add_response_header(request->response, name, value) == MHD_YES;
}

void cmhd_trim_memory(void) { malloc_trim(0); }
