// Framing checks on the header section (RFC 9112 §2.2, §3.2, §5.1, §5.2, §6.1, §6.3), run once
// per request in the headers phase: libmicrohttpd 0.9.75 accepts whitespace in header names,
// folded lines, NUL bytes, repeated Transfer-Encoding or Host headers and unknown codings.
//
// NULs and folds cannot be seen in the values it hands over (their sizes come from strlen), but
// they can in where it left them. 0.9.75 parses the header section in place, in arrival order:
// the request line's spaces and each line's colon and CR/LF are zeroed, and a value starts after
// its colon and the blanks that follow. So, in a clean request, the request line ends one or two
// zero bytes before the first name, each value ends one or two zero bytes before the next name,
// and the last line ends two to four zero bytes before the reported header size. A NUL leaves
// other bytes in a gap; a folded line's continuation is glued to the *name* (`Transfer-Encodingx`,
// or the name unchanged for an empty one), which libmicrohttpd copies to a new block past the
// header section. That layout is read only from the version it was measured on.
#include "cmhd_internal.h"

#include <string.h>
#include <strings.h>

static bool is_token(const char *text) {
    if (*text == '\0') return false;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')) continue;
        if (*c > 127 || strchr("!#$%&'*+-.^_`|~", *c) == NULL) return false;
    }
    return true;
}

void cmhd_note_target(cmhd_request *request, const char *target) {
    request->raw_target = target;
    if (target == NULL) return;
    request->raw_target_length = strlen(target);
    size_t path_length = strcspn(target, "?");
    // libmicrohttpd unescapes the path in place: `/metrics%00.css` would reach the service as `/metrics`.
    for (size_t i = 0; i + 3 <= path_length; i++) {
        if (target[i] == '%' && target[i + 1] == '0' && target[i + 2] == '0') {
            request->target_verdict = CMHD_FRAMING_NUL_IN_PATH;
        }
    }
    if (strchr(target, '\r') != NULL) request->target_verdict = CMHD_FRAMING_STRAY_BYTE;
    size_t kept = path_length < CMHD_EARLY_PATH_SIZE - 1 ? path_length : CMHD_EARLY_PATH_SIZE - 1;
    memcpy(request->early_path, target, kept);
    request->early_path[kept] = '\0';
    // Bounded by the target, itself bounded by the connection's memory pool.
    if (target[path_length] == '?') request->raw_query = strdup(target + path_length + 1);
}

// Addresses are compared as integers: the folded name lives in another pool block.
struct layout {
    uintptr_t start, end;  // the header section: from the method to the reported header size
    uintptr_t cursor;      // where the previous line's text ended
};

static bool inside(const struct layout *layout, const char *text, size_t length) {
    uintptr_t at = (uintptr_t)text;
    return at >= layout->start && at <= layout->end && length <= layout->end - at;
}

// Between `from` and `to`: at least `least` and at most `most` bytes, all zero (zeroed CR/LF).
static bool zero_gap(uintptr_t from, uintptr_t to, size_t least, size_t most) {
    if (to < from || to - from < least || to - from > most) return false;
    for (const char *c = (const char *)from; c < (const char *)to; c++) {
        if (*c != '\0') return false;
    }
    return true;
}

// METHOD SP+ target SP version: the method's space is zeroed, the target as the URI log callback
// saw it ends at the zeroed space before the version.
static cmhd_framing check_request_line(struct layout *layout, const cmhd_request *request, const char *version) {
    const char *target = request->raw_target;
    if (target == NULL || !inside(layout, target, request->raw_target_length)) return CMHD_FRAMING_STRAY_BYTE;
    const char *gap = request->method + strlen(request->method);
    if ((uintptr_t)gap >= (uintptr_t)target || *gap != '\0') return CMHD_FRAMING_STRAY_BYTE;
    for (gap++; gap < target; gap++) {
        if (*gap != ' ') return CMHD_FRAMING_STRAY_BYTE;
    }
    size_t version_length = strlen(version);
    if ((uintptr_t)version != (uintptr_t)(target + request->raw_target_length + 1) ||
        !inside(layout, version, version_length)) {
        return CMHD_FRAMING_STRAY_BYTE;
    }
    layout->cursor = (uintptr_t)(version + version_length);
    return CMHD_FRAMING_OK;
}

// One header line: its name starts one or two zero bytes after the previous line, its value
// after the zeroed colon and blanks.
static cmhd_framing check_line(struct layout *layout, const char *key, size_t key_size, const char *value,
                               size_t value_size) {
    if (!inside(layout, key, key_size) || (uintptr_t)key >= (uintptr_t)value) return CMHD_FRAMING_FOLDED_LINE;
    if (!inside(layout, value, value_size) || (uintptr_t)(key + key_size) >= (uintptr_t)value ||
        !zero_gap(layout->cursor, (uintptr_t)key, 1, 2)) {
        return CMHD_FRAMING_STRAY_BYTE;
    }
    for (const char *c = key + key_size + 1; c < value; c++) {
        if (*c != ' ' && *c != '\t') return CMHD_FRAMING_STRAY_BYTE;
    }
    layout->cursor = (uintptr_t)(value + value_size);
    return CMHD_FRAMING_OK;
}

struct header_walk {
    struct layout layout;
    bool check_layout;
    cmhd_framing layout_verdict;
    bool bad_name, stray_cr;
    unsigned int lengths, encodings, hosts, types, content_encodings;
    const char *length, *encoding;
};

static enum MHD_Result walk_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                   const char *value, size_t value_size) {
    (void)kind;
    struct header_walk *walk = cls;
    if (walk->check_layout && walk->layout_verdict == CMHD_FRAMING_OK) {
        walk->layout_verdict = check_line(&walk->layout, key, key_size, value, value_size);
    }
    if (!is_token(key)) walk->bad_name = true;
    if (value != NULL && memchr(value, '\r', value_size) != NULL) walk->stray_cr = true;  // 0.9.75 keeps a bare CR
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) walk->lengths += 1, walk->length = value;
    if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) walk->encodings += 1, walk->encoding = value;
    if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) walk->hosts += 1;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_TYPE) == 0) walk->types += 1;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_ENCODING) == 0) walk->content_encodings += 1;
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
    if (chunked != 1) return CMHD_FRAMING_CHUNKED_NOT_LAST;
    // 0.9.75 decodes a chunked body only when the value is exactly `chunked` (it drops leading
    // whitespace, keeps trailing): anything else it would read until the connection closes.
    while (*list == ' ' || *list == '\t') list++;
    return strcasecmp(list, "chunked") == 0 ? CMHD_FRAMING_OK : CMHD_FRAMING_UNKNOWN_CODING;
}

// The header section's layout as 0.9.75 leaves it (see the top of this file).
static bool start_layout(struct header_walk *walk, const cmhd_request *request, const char *version) {
    const union MHD_ConnectionInfo *size =
        MHD_get_connection_info(request->connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (size == NULL) return false;
    walk->layout.start = (uintptr_t)request->method;
    walk->layout.end = walk->layout.start + size->header_size;
    walk->layout_verdict = check_request_line(&walk->layout, request, version);
    return true;
}

cmhd_framing cmhd_check_framing(cmhd_request *request, const char *version) {
    struct header_walk walk = {0};
    if (request->target_verdict != CMHD_FRAMING_OK) return request->target_verdict;
    if (request->server->layout_trusted) {
        walk.check_layout = true;
        if (!start_layout(&walk, request, version)) return CMHD_FRAMING_STRAY_BYTE;
    }
    MHD_get_connection_values_n(request->connection, MHD_HEADER_KIND, walk_header, &walk);
    // The last line (or the request line) ends at the blank line closing the section.
    if (walk.check_layout && walk.layout_verdict == CMHD_FRAMING_OK &&
        !zero_gap(walk.layout.cursor, walk.layout.end, 2, 4)) {
        walk.layout_verdict = CMHD_FRAMING_STRAY_BYTE;
    }
    if (walk.layout_verdict != CMHD_FRAMING_OK) return walk.layout_verdict;
    if (walk.stray_cr) return CMHD_FRAMING_STRAY_BYTE;
    if (walk.bad_name) return CMHD_FRAMING_BAD_HEADER_NAME;
    if (walk.hosts > 1) return CMHD_FRAMING_REPEATED_HOST;
    if (walk.hosts == 0 && strcasecmp(version, MHD_HTTP_VERSION_1_1) == 0) return CMHD_FRAMING_MISSING_HOST;
    if (walk.lengths > 1) return CMHD_FRAMING_REPEATED_CONTENT_LENGTH;
    if (walk.lengths == 1 && (walk.length[0] == '\0' || strspn(walk.length, "0123456789") != strlen(walk.length))) {
        return CMHD_FRAMING_BAD_CONTENT_LENGTH;
    }
    if (walk.lengths == 1) {  // the one place Content-Length is parsed; past 2^64 - 1 saturates
        uint64_t length = 0;
        for (const char *digit = walk.length; *digit; digit++) {
            if (__builtin_mul_overflow(length, 10, &length) ||
                __builtin_add_overflow(length, (uint64_t)(*digit - '0'), &length)) {
                length = UINT64_MAX;
                break;
            }
        }
        request->has_length = true;
        request->content_length = length;
    }
    request->chunked = walk.encodings == 1;
    if (walk.encodings > 1) return CMHD_FRAMING_REPEATED_TRANSFER_ENCODING;
    if (walk.encodings == 1 && walk.lengths == 1) return CMHD_FRAMING_LENGTH_AND_ENCODING;
    if (walk.encodings == 1) {
        cmhd_framing coding = check_codings(walk.encoding);
        if (coding != CMHD_FRAMING_OK) return coding;
    }
    if (walk.types > 1) return CMHD_FRAMING_REPEATED_CONTENT_TYPE;
    if (walk.content_encodings > 1) return CMHD_FRAMING_REPEATED_CONTENT_ENCODING;
    return CMHD_FRAMING_OK;
}
