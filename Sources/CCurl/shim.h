#ifndef VIGIE_CCURL_SHIM_H
#define VIGIE_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are C variadics, which Swift cannot call:
   each use gets a typed static inline wrapper here. */

/* Once per process, before any other thread uses libcurl. */
static inline CURLcode vigie_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode vigie_curl_set_url(CURL *handle, const char *url) {
    return curl_easy_setopt(handle, CURLOPT_URL, url);
}

static inline CURLcode vigie_curl_set_user_agent(CURL *handle, const char *agent) {
    return curl_easy_setopt(handle, CURLOPT_USERAGENT, agent);
}

static inline CURLcode vigie_curl_set_headers(CURL *handle, struct curl_slist *headers) {
    return curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
}

/* Timeouts in milliseconds: connect phase, and the whole transfer. */
static inline CURLcode vigie_curl_set_timeouts(CURL *handle, long connect_ms, long total_ms) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, total_ms);
}

/* Signals are unsafe in a multi-threaded process; curl then resolves names without alarm(). */
static inline CURLcode vigie_curl_set_no_signal(CURL *handle) {
    return curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
}

/* An empty string asks for every encoding this libcurl can decode (gzip, deflate, ...). */
static inline CURLcode vigie_curl_set_accept_encoding(CURL *handle, const char *encodings) {
    return curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, encodings);
}

static inline CURLcode vigie_curl_set_follow_redirects(CURL *handle, long max_redirects) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_MAXREDIRS, max_redirects);
}

/* Only http and https, for the first request and for redirects (no file://, no gopher://). */
static inline CURLcode vigie_curl_set_web_protocols_only(CURL *handle) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
}

/* Rejects up front a response whose announced Content-Length exceeds the cap. */
static inline CURLcode vigie_curl_set_max_file_size(CURL *handle, curl_off_t bytes) {
    return curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE, bytes);
}

static inline CURLcode vigie_curl_set_write_callback(CURL *handle, curl_write_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_WRITEDATA, context);
}

static inline CURLcode vigie_curl_set_header_callback(CURL *handle, curl_write_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_HEADERDATA, context);
}

/* The buffer must hold CURL_ERROR_SIZE bytes and outlive the transfer. */
static inline CURLcode vigie_curl_set_error_buffer(CURL *handle, char *buffer) {
    return curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, buffer);
}

static inline long vigie_curl_error_buffer_size(void) {
    return CURL_ERROR_SIZE;
}

static inline long vigie_curl_response_code(CURL *handle) {
    long status = 0;
    if (curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) return 0;
    return status;
}

#endif
