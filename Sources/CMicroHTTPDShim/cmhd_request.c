// The request as Swift reads and answers it: accessors, admission (as cmhd_policy.c decides),
// the streamed body's chunk and charges, and the answer made by cmhd_respond.
#include "cmhd_internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <strings.h>

const char *cmhd_request_method(const cmhd_request *request) { return request->method; }

const char *cmhd_request_path(const cmhd_request *request) { return request->path; }

const char *cmhd_request_query(const cmhd_request *request) { return request->raw_query; }

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
    *length = request->streamed ? (size_t)request->received : request->length;
    return request->body;
}

cmhd_close_reason cmhd_request_close_reason(const cmhd_request *request) { return request->close_reason; }

// Starts reading the body: the slow-body rules apply from here.
static void start_body(cmhd_request *request, uint64_t max_body) {
    cmhd_server *server = request->server;
    if (!(request->has_length && request->content_length > 0) && !request->chunked) return;
    if (request->has_length && request->content_length > max_body) {
        request->body_state = CMHD_BODY_TOO_LARGE;  // dropped as it arrives; 413 at its end
    }
    request->reading_body = true;
    cmhd_policy_rate_restart(&request->rate, cmhd_now_ns());
    if (server->config.max_body_gap > 0) {
        MHD_set_connection_option(request->connection, MHD_CONNECTION_OPTION_TIMEOUT, server->config.max_body_gap);
    }
}

cmhd_admission cmhd_request_admit(cmhd_request *request, uint64_t factor) {
    request->factor = factor == 0 ? 1 : factor;
    const char *expect = cmhd_request_header(request, MHD_HTTP_HEADER_EXPECT);
    bool expects_continue = expect != NULL && strcasecmp(expect, "100-continue") == 0;
    uint64_t address_charged;
    uint64_t charged = cmhd_charged_now(request, &address_charged);
    uint64_t length = request->has_length ? request->content_length : 0;
    cmhd_admission verdict =
        cmhd_policy_admit(&request->server->limits, length, request->factor, expects_continue, charged, address_charged);
    if (verdict != CMHD_ADMITTED) return verdict;
    if (length <= request->server->config.max_body_bytes) request->declared = length;
    start_body(request, request->server->config.max_body_bytes);
    return CMHD_ADMITTED;
}

cmhd_admission cmhd_request_admit_stream(cmhd_request *request, uint64_t max_body) {
    request->streamed = true;
    request->stream_max_body = max_body;
    start_body(request, max_body);
    return CMHD_ADMITTED;
}

const uint8_t *cmhd_request_chunk(const cmhd_request *request, size_t *size) {
    *size = request->chunk_size;
    return request->chunk;
}

void cmhd_request_take(cmhd_request *request, size_t taken) {
    request->taken = taken < request->chunk_size ? taken : request->chunk_size;
}

void cmhd_request_resume(cmhd_request *request) { cmhd_pause_wake(request); }

bool cmhd_request_charge(cmhd_request *request, uint64_t amount, bool waits) {
    if (!cmhd_charge(request, amount, false, waits)) return false;
    atomic_fetch_add(&request->stream_charge, amount);
    return true;
}

void cmhd_request_release(cmhd_request *request, uint64_t amount) {
    uint64_t held = atomic_load(&request->stream_charge);
    if (amount > held) amount = held;  // never more than was charged
    atomic_fetch_sub(&request->stream_charge, amount);
    cmhd_release(request, &amount);
}

void cmhd_drop_answer(cmhd_request *request) {
    if (request->response != NULL) MHD_destroy_response(request->response);
    request->response = NULL;
    cmhd_release(request, &request->answer_charge);
}

bool cmhd_respond(cmhd_request *request, unsigned int status, const char *content_type, const void *body,
                  size_t length) {
    cmhd_drop_answer(request);
    request->response = MHD_create_response_from_buffer(length, length ? (void *)body : (void *)"",
                                                        MHD_RESPMEM_MUST_COPY);
    if (request->response == NULL) return false;
    request->status = status;
    // Held until the client has read it: charged even past the budget (it is made already),
    // so that new bodies wait for slow readers instead of the process growing.
    cmhd_charge(request, length, true, false);
    request->answer_charge = length;
    if (content_type != NULL) MHD_add_response_header(request->response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    return true;
}

bool cmhd_add_header(cmhd_request *request, const char *name, const char *value) {
    if (request->response == NULL) return false;
    return MHD_add_response_header(request->response, name, value) == MHD_YES;
}

void cmhd_format_ipv4(uint32_t network_order, char *buffer) {
    const unsigned char *octets = (const unsigned char *)&network_order;
    char *out = buffer;
    for (int index = 0; index < 4; index++) {
        unsigned value = octets[index];
        if (value >= 100) *out++ = (char)('0' + value / 100);
        if (value >= 10) *out++ = (char)('0' + value / 10 % 10);
        *out++ = (char)('0' + value % 10);
        *out++ = index < 3 ? '.' : '\0';
    }
}

bool cmhd_request_client_address(const cmhd_request *request, char *buffer, size_t size) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(request->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL || size == 0) return false;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET6) {
        const void *bytes = &((const struct sockaddr_in6 *)address)->sin6_addr;
        return inet_ntop(AF_INET6, bytes, buffer, (socklen_t)size) != NULL;
    }
    if (size < INET_ADDRSTRLEN) return false;
    cmhd_format_ipv4(((const struct sockaddr_in *)address)->sin_addr.s_addr, buffer);
    return true;
}
