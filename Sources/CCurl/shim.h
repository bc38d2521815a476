// libcurl for SMTP. curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
// call: these typed wrappers are what the Swift side uses.
#include <curl/curl.h>

static inline CURLcode guichet_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode guichet_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode guichet_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode guichet_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*guichet_curl_io_callback)(char *buffer, size_t size, size_t count, void *context);
static inline CURLcode guichet_curl_setopt_io(CURL *handle, CURLoption option, guichet_curl_io_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode guichet_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode guichet_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
// CURL_GLOBAL_ALL is a macro expression Swift does not import.
static inline CURLcode guichet_curl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}
static inline CURLcode guichet_curl_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
