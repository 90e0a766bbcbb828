#ifndef MEMVID_IO_HTTP_PLUGIN_ABI_H_
#define MEMVID_IO_HTTP_PLUGIN_ABI_H_
/* The contract between libmemvid and the HTTP plugin (libmemvid_http.so: cpp-httplib with
 * OpenSSL, zlib and brotli), which the library loads with dlopen on the first request to a
 * model endpoint: linked in, those libraries and OpenSSL's initialization cost every process
 * ~3 ms at start, though most commands never talk to an endpoint. Plain C types only, and a
 * change of contract gets new symbol names (..._v2). */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MEMVID_HTTP_PLUGIN_FILE "libmemvid_http.so"
#define MEMVID_HTTP_OPEN_SYMBOL "memvid_http_open_v1"
#define MEMVID_HTTP_POST_SYMBOL "memvid_http_post_v1"
#define MEMVID_HTTP_CLOSE_SYMBOL "memvid_http_close_v1"

/* What became of a request (memvid_http_post_v1's result). */
enum {
  MEMVID_HTTP_ANSWERED = 0,           /* an answer arrived: status and headers are set */
  MEMVID_HTTP_CONNECTION = 1,         /* refused, unreachable or unknown host */
  MEMVID_HTTP_CONNECT_TIMEOUT = 2,
  MEMVID_HTTP_READ = 3,               /* no answer in time, or the connection was lost reading it */
  MEMVID_HTTP_WRITE = 4,              /* sending timed out or the connection was lost */
  MEMVID_HTTP_TLS_HANDSHAKE = 5,
  MEMVID_HTTP_TLS_VERIFICATION = 6,   /* the server's certificate could not be verified */
  MEMVID_HTTP_TLS_CERTIFICATES = 7,   /* the system's CA certificates could not be loaded */
  MEMVID_HTTP_STOPPED = 8,            /* on_body returned nonzero; status is set when known */
  MEMVID_HTTP_UNKNOWN = 9,            /* the transport could not tell */
  MEMVID_HTTP_OTHER = 10              /* anything else: answer->error names it */
};

typedef struct memvid_http_client memvid_http_client;

/* Receives the answer's body in pieces, valid only during the call; nonzero stops reading.
 * Must not throw or longjmp. */
typedef int (*memvid_http_body_fn)(void* ctx, const char* data, size_t size);

/* Header values are NUL-terminated and cut to their buffers (an empty string: absent). */
typedef struct {
  int status;
  char retry_after_ms[64];
  char retry_after[128];
  char location[512];
  char error[160];
} memvid_http_answer_v1;

/* A client of one endpoint (host, port; TLS when https is nonzero) whose connecting and each
 * wait to read or write are bounded by timeout_ms, keeping its connection alive between posts.
 * NULL when none can be made, with a one-line reason in error. Not safe to share between
 * threads at once; distinct clients are. */
typedef memvid_http_client* (*memvid_http_open_v1_fn)(int https, const char* host, int port, int timeout_ms,
                                                      char* error, size_t error_capacity);
/* POSTs body to target (path and query) with the given headers; never throws. */
typedef int (*memvid_http_post_v1_fn)(memvid_http_client* client, const char* target, const char* const* header_names,
                                      const char* const* header_values, size_t header_count, const char* body,
                                      size_t body_size, void* ctx, memvid_http_body_fn on_body,
                                      memvid_http_answer_v1* answer);
typedef void (*memvid_http_close_v1_fn)(memvid_http_client* client);

#ifdef __cplusplus
}
#endif

#endif /* MEMVID_IO_HTTP_PLUGIN_ABI_H_ */
