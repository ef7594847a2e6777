// The daemon (start, quiesce, stop), the access handler's phases and the completed callback, and
// the answers queued for Swift.
#include "cmhd_internal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static enum MHD_Result queue_answer(cmhd_request *request) {
    struct MHD_Response *response = request->response;
    request->response = NULL;
    enum MHD_Result result = MHD_queue_response(request->connection, request->status, response);
    MHD_destroy_response(response);
    if (result == MHD_YES) request->answered = true;
    // The answer holds its charge until it is sent: a client that takes none of it is cut
    // after answer_gap (restored in request_completed for the next request on the connection).
    if (result == MHD_YES && request->server->config.answer_gap > 0) {
        MHD_set_connection_option(request->connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                  request->server->config.answer_gap);
    }
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
    cmhd_server *server = cls;
    cmhd_request *request = *request_slot;
    // Made by log_request_line; NULL only if that could not allocate it: close.
    if (request == NULL) return MHD_NO;

    if (!request->started) {  // first call: headers only
        request->started = true;
        request->method = method;
        request->path = url;
        request->framing = cmhd_check_framing(request, version);
        if (server->address_charged != NULL) request->address_share = cmhd_address_share(connection);
        atomic_fetch_add(&server->in_flight, 1);
        server->handler(server->context, request, CMHD_PHASE_HEADERS);
        if (request->response != NULL) {
            end_body(request);
            cmhd_discard_body(request);
            return queue_answer(request);
        }
        return MHD_YES;
    }

    if (*upload_data_size != 0) {  // a body chunk; 0.9.75 cannot answer here
        if (!cmhd_body_rate_ok(request, *upload_data_size)) {
            request->slow = true;
            return MHD_NO;  // closes the connection
        }
        cmhd_append_chunk(request, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    end_body(request);
    cmhd_finish_body(request);
    server->handler(server->context, request, CMHD_PHASE_COMPLETE);
    cmhd_discard_body(request);
    if (request->response == NULL) return MHD_NO;  // Swift always answers; close if it could not
    return queue_answer(request);
}

// The request line is read: the request is made here, before libmicrohttpd unescapes the target,
// and becomes the per-request pointer of the handler's first call.
static void *log_request_line(void *cls, const char *uri, struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    cmhd_connection *owner = info == NULL ? NULL : info->socket_context;
    if (owner == NULL) return NULL;  // nothing could free it if the library dropped it
    cmhd_request *request = calloc(1, sizeof *request);
    if (request == NULL) return NULL;
    request->server = cls;
    request->connection = connection;
    request->owner = owner;
    request->method = "";
    request->path = request->early_path;
    request->factor = 1;
    cmhd_note_target(request, uri);
    owner->pending = request;
    return request;
}

static void finish_request(cmhd_request *request, enum MHD_RequestTerminationCode code) {
    cmhd_server *server = request->server;
    if (!request->answered) {
        bool timed_out = request->reading_body && code == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED;
        if (!request->started) {
            // Before the headers phase: the client left (or the server stopped) mid-headers, or
            // the library refused the request itself, with its own answer or none.
            bool left = code == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED || code == MHD_REQUEST_TERMINATED_READ_ERROR ||
                        code == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN || code == MHD_REQUEST_TERMINATED_CLIENT_ABORT;
            request->close_reason = left ? CMHD_CLOSE_ABORTED : CMHD_CLOSE_REFUSED_BY_LIBRARY;
        } else {
            request->close_reason = request->slow || timed_out ? CMHD_CLOSE_SLOW_BODY : CMHD_CLOSE_ABORTED;
        }
    }
    server->handler(server->context, request, CMHD_PHASE_ENDED);  // exactly once per request
    // Only on this code is the connection in normal processing (no daemon lock held) and may
    // serve another request.
    if (request->answered && code == MHD_REQUEST_TERMINATED_COMPLETED_OK && server->config.answer_gap > 0) {
        MHD_set_connection_option(request->connection, MHD_CONNECTION_OPTION_TIMEOUT, server->config.connection_timeout);
    }
    if (request->response != NULL) MHD_destroy_response(request->response);
    cmhd_discard_body(request);
    cmhd_release(request, &request->answer_charge);
    if (request->owner != NULL) request->owner->pending = NULL;
    if (request->started) atomic_fetch_sub(&server->in_flight, 1);
    free(request);
}

static void request_completed(void *cls, struct MHD_Connection *connection, void **request_slot,
                              enum MHD_RequestTerminationCode code) {
    (void)cls;
    (void)connection;
    cmhd_request *request = *request_slot;
    if (request == NULL) return;
    finish_request(request, code);
    *request_slot = NULL;
}

// One cmhd_connection per connection. 0.9.75 closes a connection whose query arguments filled its
// memory pool (477 or more) with nothing sent and no completion call: its request is finished here.
static void connection_changed(void *cls, struct MHD_Connection *connection, void **socket_context,
                               enum MHD_ConnectionNotificationCode code) {
    (void)cls;
    (void)connection;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(cmhd_connection));
        return;
    }
    cmhd_connection *owner = *socket_context;
    if (owner == NULL) return;
    cmhd_request *pending = owner->pending;
    if (pending != NULL) {  // the pool holding its method, path and headers may be gone
        pending->headers_gone = true;
        pending->method = "";
        pending->path = pending->early_path;
        finish_request(pending, MHD_REQUEST_TERMINATED_WITH_ERROR);
    }
    free(owner);
    *socket_context = NULL;
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
        server->address_charged = calloc(CMHD_ADDRESS_SHARES, sizeof *server->address_charged);
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

    // cmhd_framing.c reads the header section's layout only from the version it was measured on.
    server->layout_trusted = strcmp(MHD_get_version(), "0.9.75") == 0;

    struct MHD_OptionItem options[12];
    size_t count = 0;
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &address};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, server};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)log_request_line, server};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)connection_changed, NULL};
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

void cmhd_stop(cmhd_server *server) {
    MHD_stop_daemon(server->daemon);
    free(server->address_charged);
    free(server);
}

// ---- Accessors and answers ----

const char *cmhd_request_method(const cmhd_request *request) { return request->method; }

const char *cmhd_request_path(const cmhd_request *request) { return request->path; }

const char *cmhd_request_header(const cmhd_request *request, const char *name) {
    if (!request->started || request->headers_gone) return NULL;  // refused before its headers were read
    return MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, name);
}

void cmhd_request_set_exchange(cmhd_request *request, void *exchange) { request->exchange = exchange; }

void *cmhd_request_exchange(const cmhd_request *request) { return request->exchange; }

bool cmhd_request_content_length(const cmhd_request *request, uint64_t *length) {
    *length = request->content_length;
    return request->has_length;
}

bool cmhd_request_answered(const cmhd_request *request) { return request->answered; }

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
    cmhd_release(request, &request->answer_charge);
    request->response = MHD_create_response_from_buffer(length, length ? (void *)body : (void *)"",
                                                        MHD_RESPMEM_MUST_COPY);
    if (request->response == NULL) return false;
    request->status = status;
    // Held until the client has read it: charged even past the budget (it is made already),
    // so that new bodies wait for slow readers instead of the process growing.
    cmhd_charge(request, length, true);
    request->answer_charge = length;
    if (content_type != NULL) MHD_add_response_header(request->response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    return true;
}

bool cmhd_add_header(cmhd_request *request, const char *name, const char *value) {
    if (request->response == NULL) return false;
    return MHD_add_response_header(request->response, name, value) == MHD_YES;
}
