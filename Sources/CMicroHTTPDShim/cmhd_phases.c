// The phases of a request, as libmicrohttpd calls them: the request is made when its line is
// read; the access handler runs HEADERS, then CHUNK for each piece of a streamed body (a buffered
// one is appended by cmhd_body.c), then COMPLETE; the completion callback runs ENDED, once.
// What to charge, when to cut a slow body and when to pause is asked of cmhd_policy.c.
#include "cmhd_internal.h"

#include <stdlib.h>

static enum MHD_Result queue_answer(cmhd_request *request) {
    struct MHD_Response *response = request->response;
    request->response = NULL;
    // Draining: say the connection closes after this answer, so that a keep-alive client does
    // not send its next request on a connection about to go.
    if (atomic_load(&request->server->quiesced) && MHD_get_response_header(response, "Connection") == NULL) {
        MHD_add_response_header(response, "Connection", "close");
    }
    enum MHD_Result result = MHD_queue_response(request->connection, request->status, response);
    MHD_destroy_response(response);
    if (result == MHD_YES) request->answered = true;
    // The answer holds its charge until it is sent: a client that takes none of it is cut
    // after answer_gap (restored in finish_request for the next request on the connection).
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

static enum MHD_Result headers(cmhd_server *server, cmhd_request *request, struct MHD_Connection *connection,
                               const char *url, const char *method, const char *version) {
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

// A streamed body's piece: offered to the consumer; what it leaves is offered again after a pause.
static enum MHD_Result stream_chunk(cmhd_server *server, cmhd_request *request, const char *data, size_t *size) {
    uint64_t max_body = request->stream_max_body;
    if (request->body_state != CMHD_BODY_KEPT || *size > max_body - request->received) {
        request->body_state = request->body_state == CMHD_BODY_KEPT ? CMHD_BODY_TOO_LARGE : request->body_state;
        if (!cmhd_policy_rate_ok(&request->rate, &server->limits, cmhd_now_ns(), *size)) {
            request->slow = true;
            return MHD_NO;
        }
        *size = 0;  // read and dropped, to answer at the end
        return MHD_YES;
    }
    cmhd_pause_arm(request);
    request->chunk = (const uint8_t *)data;
    request->chunk_size = *size;
    request->taken = 0;
    server->handler(server->context, request, CMHD_PHASE_CHUNK);
    size_t offered = *size, taken = request->taken;
    request->chunk = NULL;
    request->chunk_size = 0;
    request->received += taken;
    *size = offered - taken;
    switch (cmhd_policy_after_chunk(offered, taken)) {
    case CMHD_STEP_PAUSE:
        return cmhd_pause(request) ? MHD_YES : MHD_NO;
    case CMHD_STEP_CONTINUE:
        break;
    }
    if (!cmhd_policy_rate_ok(&request->rate, &server->limits, cmhd_now_ns(), taken)) {
        request->slow = true;
        return MHD_NO;  // closes the connection
    }
    return MHD_YES;
}

// The final call: the body is whole. A stream without its answer yet pauses until it is ready.
static enum MHD_Result complete(cmhd_server *server, cmhd_request *request) {
    if (!request->body_done) {
        request->body_done = true;
        end_body(request);
        if (!request->streamed) cmhd_finish_body(request);
    }
    if (request->streamed) cmhd_pause_arm(request);
    server->handler(server->context, request, CMHD_PHASE_COMPLETE);
    cmhd_discard_body(request);
    if (request->response != NULL) return queue_answer(request);
    if (request->streamed) return cmhd_pause(request) ? MHD_YES : MHD_NO;
    return MHD_NO;  // Swift always answers a buffered body; close if it could not
}

static enum MHD_Result body_phase(cmhd_server *server, cmhd_request *request, const char *upload_data,
                                  size_t *upload_data_size);

enum MHD_Result cmhd_access_handler(void *cls, struct MHD_Connection *connection, const char *url,
                                    const char *method, const char *version, const char *upload_data,
                                    size_t *upload_data_size, void **request_slot) {
    cmhd_server *server = cls;
    cmhd_request *request = *request_slot;
    // Made by cmhd_log_request_line; NULL only if that could not allocate it: close.
    if (request == NULL) return MHD_NO;
    if (!request->started) return headers(server, request, connection, url, method, version);
    enum MHD_Result result = body_phase(server, request, upload_data, upload_data_size);
    if (result == MHD_NO) request->closed_here = true;
    return result;
}

// After the headers: body chunks, then the final call.
static enum MHD_Result body_phase(cmhd_server *server, cmhd_request *request, const char *upload_data,
                                  size_t *upload_data_size) {
    if (request->streamed && cmhd_pause_take_resumed(request)) {  // the server paused it: not the client's time
        if (atomic_load(&server->stopping)) return MHD_NO;  // stopping: close it
        cmhd_policy_rate_restart(&request->rate, cmhd_now_ns());
    }

    if (*upload_data_size != 0) {  // a body chunk; 0.9.75 cannot answer here
        if (request->streamed) return stream_chunk(server, request, upload_data, upload_data_size);
        if (!cmhd_policy_rate_ok(&request->rate, &server->limits, cmhd_now_ns(), *upload_data_size)) {
            request->slow = true;
            return MHD_NO;  // closes the connection
        }
        cmhd_append_chunk(request, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return complete(server, request);
}

// The request line is read: the request is made here, before libmicrohttpd unescapes the target,
// and becomes the per-request pointer of the handler's first call.
void *cmhd_log_request_line(void *cls, const char *uri, struct MHD_Connection *connection) {
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
    atomic_init(&request->stream_charge, 0);
    cmhd_note_target(request, uri);
    owner->pending = request;
    return request;
}

static void finish_request(cmhd_request *request, enum MHD_RequestTerminationCode code) {
    cmhd_server *server = request->server;
    cmhd_pause_forget(request);
    if (!request->answered) {
        bool timed_out = request->reading_body && code == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED;
        if (!request->started) {
            // Before the headers phase: the client left (or the server stopped) mid-headers, or
            // the library refused the request itself, with its own answer or none.
            bool left = code == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED || code == MHD_REQUEST_TERMINATED_READ_ERROR ||
                        code == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN || code == MHD_REQUEST_TERMINATED_CLIENT_ABORT;
            request->close_reason = left ? CMHD_CLOSE_ABORTED : CMHD_CLOSE_REFUSED_BY_LIBRARY;
        } else {
            // Ended with an error the shim did not cause: the library's own answer mid-body (its
            // HTML 500 for a chunk-size line longer than the connection's memory, its 400 for a
            // bad chunk size), or none.
            bool library = code == MHD_REQUEST_TERMINATED_WITH_ERROR && !request->closed_here;
            request->close_reason = request->slow || timed_out ? CMHD_CLOSE_SLOW_BODY
                                    : library                  ? CMHD_CLOSE_REFUSED_BY_LIBRARY
                                                               : CMHD_CLOSE_ABORTED;
        }
    }
    server->handler(server->context, request, CMHD_PHASE_ENDED);  // exactly once per request
    // Only on this code is the connection in normal processing (no daemon lock held) and may
    // serve another request.
    if (request->answered && code == MHD_REQUEST_TERMINATED_COMPLETED_OK && server->config.answer_gap > 0) {
        MHD_set_connection_option(request->connection, MHD_CONNECTION_OPTION_TIMEOUT, server->config.connection_timeout);
    }
    cmhd_drop_answer(request);
    cmhd_discard_body(request);
    uint64_t held = atomic_exchange(&request->stream_charge, 0);
    cmhd_release(request, &held);
    cmhd_unreserve(request);
    if (request->owner != NULL) request->owner->pending = NULL;
    if (request->started) atomic_fetch_sub(&server->in_flight, 1);
    free(request->raw_query);
    free(request);
}

void cmhd_request_completed(void *cls, struct MHD_Connection *connection, void **request_slot,
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
void cmhd_connection_changed(void *cls, struct MHD_Connection *connection, void **socket_context,
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
