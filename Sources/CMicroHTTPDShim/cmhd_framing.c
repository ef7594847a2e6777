// Framing checks on the header section (RFC 9112 §5.1, §6.1, §6.3), run once per request in
// the headers phase: libmicrohttpd 0.9.75 accepts whitespace in header names, repeated
// Transfer-Encoding headers and unknown codings.
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
    if (chunked != 1) return CMHD_FRAMING_CHUNKED_NOT_LAST;
    // 0.9.75 decodes a chunked body only when the value is exactly `chunked` (it drops leading
    // whitespace, keeps trailing): anything else it would read until the connection closes.
    while (*list == ' ' || *list == '\t') list++;
    return strcasecmp(list, "chunked") == 0 ? CMHD_FRAMING_OK : CMHD_FRAMING_UNKNOWN_CODING;
}

cmhd_framing cmhd_check_framing(struct MHD_Connection *connection) {
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
